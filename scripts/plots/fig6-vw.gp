# Figure 6: |D(ω)|/D0 of the Vollhardt–Wölfle self-consistency (★) against ωτ for d = 1, 2, 3
# at a few λ (collop vw; continuum, units τ = l = 1). Data: prepare_theory.py vw.
w = 1200; h = 450
load datadir."/fig6.gp"
load common
set multiplot layout 1, 3 title "Vollhardt–Wölfle (42): |D(ω)|/D_0 against ωτ" font ",13"
set logscale xy
set format x "10^{%L}"
set format y "10^{%L}"
set xlabel "ωτ"
set ylabel "|D(ω)|/D_0"
set key bottom right samplen 2
set yrange [1e-12:2]
do for [d = 1:3] {
    set title sprintf("d = %d", d)
    list = d == 1 ? lambdas1 : (d == 2 ? lambdas2 : lambdas3)
    plot for [lam in list] datadir.sprintf("/fig6-d%d-l%s.dat", d, lam) using 1:2 with lines lw 2 title sprintf("λ = %s", lam)
}
unset multiplot
