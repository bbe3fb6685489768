# Figure 2: |λ_s| against ω on log–log axes, one line per tracked branch, coloured by the
# scaling class, with slope guides +1, 0, −1. Data: prepare.py ladder.
w = 900; h = 600
load datadir."/fig2.gp"
load common
set title "Branches |λ_s(ω)| tracked across the ladder ω = ".ladder."\n{/=10 ".model."}"
set xlabel "ω  (units of t)"
set ylabel "|λ_s|  (units of t)"
set logscale xy
set format x "10^{%L}"
set format y "10^{%L}"
set xrange [omega_min:omega_max]
set key outside right top reverse Left samplen 2 spacing 1.3 title "scaling class" box lc rgb "#bbbbbb"
guide(x, a, p) = a * (x / omega_anchor)**p
set style textbox opaque noborder margins 1, 1
set label 1 "∝ ω" at omega_max, guide(omega_max, guide_plus, 1) right offset -1.5, 0 boxed front font ",10"
set label 2 "∝ 1" at omega_min, guide(omega_min, guide_zero, 0) offset 1.5, 0 boxed front font ",10"
set label 3 "∝ 1/ω" at omega_min, guide(omega_min, guide_minus, -1) offset 1.5, -0.8 boxed front font ",10"
set label 4 sprintf("exact zero mode%s (p = nan) not drawn", exact_zeros == 1 ? "" : "s") at graph 0.02, graph 0.04 font ",9" tc rgb "#555555"
plot for [i = 1:words(classes)] datadir."/fig2-".word(classes, i).".dat" using 1:2 with linespoints lw 1.2 pt 7 ps 0.5 \
        lc rgb color(word(classes, i)) title sprintf("%s: %s", label(word(classes, i)), word(counts, i)), \
    guide(x, guide_plus, 1) with lines dt 2 lw 1.5 lc rgb "#000000" title "slope +1, 0, −1", \
    guide(x, guide_zero, 0) with lines dt 2 lw 1.5 lc rgb "#000000" notitle, \
    guide(x, guide_minus, -1) with lines dt 2 lw 1.5 lc rgb "#000000" notitle
