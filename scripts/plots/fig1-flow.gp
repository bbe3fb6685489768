# Figure 1 (Suslov's Fig. 4): |λ| of 𝕃sing + t·𝕃reg against t, one line per branch,
# coloured by the branch's structural class at t = 1. Data: prepare.py flow.
w = 900; h = 600
load datadir."/fig1.gp"
load common
set title "|λ| of L_{sing} + t·L_{reg} against t (Suslov Fig. 4)\n{/=10 ".model."}"
set xlabel "t  (interpolation weight of L_{reg}; dimensionless)"
set ylabel "|λ|  (units of the hopping)"
set logscale y
set format y "10^{%L}"
set xrange [0:1]
set yrange [floor / 3:*]
set key outside right top reverse Left samplen 2 spacing 1.3 title "class at t = 1" box lc rgb "#bbbbbb"
set label 1 sprintf("%s exact zeros at t = 0 (N − rank L_1, rank L_1 = %s);\nbelow 10^{-9}·max|λ|, drawn on the dashed floor", zeros_t0, rank_L1) \
    at graph 0.98, graph 0.15 right front font ",9" tc rgb "#555555"
# The floor is drawn after the branches, so it stays visible over the M0 branch that
# lies on it: black dashes with gaps that let the branch's colour show through.
plot for [i = 1:words(classes)] datadir."/fig1-".word(classes, i).".dat" using 1:2 with lines lw 1.3 \
        lc rgb color(word(classes, i)) title sprintf("%s: %s", label(word(classes, i)), word(counts, i)), \
    floor with lines dt (24, 16) lw 2 lc rgb "#000000" title "floor: 10^{-9}·max|λ|"
