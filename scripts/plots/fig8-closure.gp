# Figure 8: the closure D* = D_cur(ω; D*) of collop closure against lattice VW (42) on the same
# grids, d = 1 (E = −0.35, W = 1.6), two sizes. Left |D|/D_RA, right ξ_eff = √Re(iD/ω) in units
# of l, both against ωτ. Data: prepare_theory.py closure.
w = 1200; h = 480
load datadir."/fig8.gp"
load common
set multiplot layout 1, 2 title "d = 1: the operator closed on its own current relaxation (D*) against lattice VW (42)" font ",13"
set logscale x
set format x "10^{%L}"
set xlabel "ωτ"
set key samplen 2
n = words(sizes)
set title "|D(ω)|/D_{RA}"
set logscale y
set format y "10^{%L}"
set ylabel "|D|/D_{RA}"
set key bottom right
plot for [i = 1:n] datadir.sprintf("/fig8-L%s.dat", word(sizes, i)) using 1:2 with linespoints lw 2 pt (i == 1 ? 6 : 7) ps (i == 1 ? 1.2 : 0.6) dt i lc rgb "#d62728" title sprintf("closure D*, L = %s", word(sizes, i)), \
     for [i = 1:n] datadir.sprintf("/fig8-L%s.dat", word(sizes, i)) using 1:3 with linespoints lw 2 pt (i == 1 ? 4 : 5) ps (i == 1 ? 1.2 : 0.6) dt i lc rgb "#1f77b4" title sprintf("lattice VW, L = %s", word(sizes, i))
set title "ξ_{eff} = √Re(iD/ω), in units of l"
unset logscale y
set format y "%g"
set ylabel "ξ_{eff}/l"
set yrange [0:*]
set key top right
plot for [i = 1:n] datadir.sprintf("/fig8-L%s.dat", word(sizes, i)) using 1:4 with linespoints lw 2 pt (i == 1 ? 6 : 7) ps (i == 1 ? 1.2 : 0.6) dt i lc rgb "#d62728" title sprintf("closure, L = %s", word(sizes, i)), \
     for [i = 1:n] datadir.sprintf("/fig8-L%s.dat", word(sizes, i)) using 1:5 with linespoints lw 2 pt (i == 1 ? 4 : 5) ps (i == 1 ? 1.2 : 0.6) dt i lc rgb "#1f77b4" title sprintf("lattice VW, L = %s", word(sizes, i))
unset multiplot
