# Figure 4: λ0(q) and D(ω,q) = iλ0/q² from `collop dispersion`, metallic ladder (left)
# and localized vertex (right). Data: prepare.py dispersion.
w = 1100; h = 800
load datadir."/fig4.gp"
load common
set multiplot layout 2, 2 title "Diffusion mode λ_0(q) and D(ω,q) = iλ_0/q^2" font ",13"
set xlabel "|q|  (units of 1/a)"
set key top left samplen 2
set xzeroaxis lt 1 lc rgb "#999999"
do for [side in "metallic localized"] {
    set title sprintf("%s\n{/=9 %s}", side, side eq "metallic" ? model_metallic : model_localized)
    set ylabel "λ_0  (units of t)"
    plot datadir."/fig4-".side.".dat" using 1:2 with linespoints pt 7 ps 0.6 lc rgb "#1f77b4" title "Re λ_0", \
         "" using 1:3 with linespoints pt 5 ps 0.6 lc rgb "#d62728" title "Im λ_0"
}
do for [side in "metallic localized"] {
    set title sprintf("%s", side)
    set ylabel "D(ω,q)  (units of a^2t/ħ)"
    set key right center
    dkg = side eq "metallic" ? D_KG_metallic : D_KG_localized
    plot datadir."/fig4-".side.".dat" using 1:4 with linespoints pt 7 ps 0.6 lc rgb "#1f77b4" title "Re D", \
         "" using 1:5 with linespoints pt 5 ps 0.6 lc rgb "#d62728" title "Im D", \
         dkg with lines dt 2 lc rgb "#000000" title sprintf("D_{KG} = %.4g", dkg)
}
unset multiplot
