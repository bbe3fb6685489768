# Figure 3: the spectrum in the complex plane at one ω of the ladder, coloured by the
# scaling class found on the whole ladder. Data: prepare.py plane.
w = 900; h = 600
load datadir."/fig3.gp"
load common
set title sprintf("Spectrum of L at ω = %s; classes from the ladder ω = %s\n{/=10 %s}", omega_text, ladder, model)
set xlabel "Re λ  (units of t)"
set ylabel "Im λ  (units of t)"
set xzeroaxis lt 1 lc rgb "#999999"
set yzeroaxis lt 1 lc rgb "#999999"
set key outside right top reverse Left samplen 1 spacing 1.3 title "scaling class" box lc rgb "#bbbbbb"
plot for [i = 1:words(classes)] datadir."/fig3-".word(classes, i).".dat" using 1:2 with points pt 7 ps 0.9 \
    lc rgb color(word(classes, i)) title sprintf("%s: %s", label(word(classes, i)), word(counts, i))
