# The figure of a user's sweep (scripts/figures.sh --sweep DIR): one panel per quantity,
# one curve per series, all from DIR/merged.tsv. Data and labels: prepare_sweep.py, which
# writes datadir/sweep.gp (panels, titles, axis labels with units, log scales, series names)
# and datadir/p<panel>-<series>.dat (x, y[, error]).
load datadir."/sweep.gp"
columns = panels > 3 ? 2 : panels; rows = (panels + columns - 1) / columns
w = 560 * columns + 200; h = 470 * rows + 60
load common
set multiplot layout rows, columns title title."\n{/=10 ".model."}" font ",13"
set key outside bottom center horizontal maxcols 3 samplen 2 font ",9"
set bmargin 9
do for [p = 1:panels] {
    set title titles[p]
    set xlabel xlabels[p]
    set ylabel ylabels[p]
    if (logx[p]) { set logscale x; set format x "10^{%L}" } else { unset logscale x; set format x "% h" }
    if (logy[p]) { set logscale y; set format y "10^{%L}" } else { unset logscale y; set format y "% h" }
    n = counts[p]; f = firsts[p]
    if (errors[p]) {
        plot for [i = 1:n] datadir.sprintf("/p%d-%d.dat", p, i) using 1:2:3 with yerrorlines lw 1.5 pt 7 ps 0.7 lc i title names[f + i]
    } else {
        plot for [i = 1:n] datadir.sprintf("/p%d-%d.dat", p, i) using 1:2 with linespoints lw 1.5 pt 7 ps 0.6 lc i title names[f + i]
    }
}
unset multiplot
