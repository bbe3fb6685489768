# Figure 5: family sizes |M∞| and |M1| (scaling classification) against the swept
# parameter, one line per value of the other swept parameter(s); dashed: rank L1, the
# structural prediction of |M∞|. Data: prepare.py sweep (from scripts/merge.sh --summary).
w = 1100; h = 500
load datadir."/fig5.gp"
load common
group(i) = word(group_names, i)
set multiplot layout 1, 2 title "Sweep: sizes of the families against ".xsymbol."\n{/=10 ".model."}" font ",13"
set xlabel xlabel
set key outside right top samplen 2 font ",9"
# Room above and below the data, so a line at the extreme count (0, or rank L1 at the top)
# is not hidden under the border.
set autoscale yfix
set offsets 0, 0, graph 0.06, graph 0.06
set title "|M_∞| (solid), rank L_1 (dashed)"
set ylabel "number of eigenvalues"
plot for [i = 1:groups] datadir."/fig5-".(i - 1).".dat" using 1:2 with linespoints lw 1.5 pt 7 lc i title group(i), \
     for [i = 1:groups] datadir."/fig5-".(i - 1).".dat" using 1:(has_rank ? $4 : NaN) with lines dt 2 lc i notitle
set title "|M_1|"
plot for [i = 1:groups] datadir."/fig5-".(i - 1).".dat" using 1:3 with linespoints lw 1.5 pt 7 lc i title group(i)
unset multiplot
