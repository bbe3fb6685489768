# Figures 9 and 10 of docs/closure.md §6 (the exact model beside the theories).
# gnuplot scripts/plots/exact.gp   (run from the repository root; writes docs/fig9-exact.png, docs/fig10-exact-3d.png)
# The numbers are those of the commands in docs/closure.md §6 (collop exact, vw --lattice, closure).

# d = 1, E = -0.35: W, l, exact xi/l (ED) and error, sqrt(zeta(3)) xi_L/l, lattice VW xi/l, closure xi*/l (NaN: stalls)
$d1 << EOD
1.2 15.92 4.435 0.053 4.464 1.969 NaN
1.6 8.866 4.510 0.051 4.602 1.945 9.756
2.0 5.609 4.770 0.059 4.745 1.915 6.451
2.4 3.850 4.762 0.055 4.832 1.878 4.701
EOD
# the closure at W = 1.2: xi_eff at the last omega COCG reaches (a lower bound)
$stall << EOD
1.2 11.80
EOD
# d(q)/xi^2 against q xi: q xi, W = 1.2, W = 2.4
$dq << EOD
0.248 0.9746 0.9653
0.497 0.9098 0.8855
0.993 0.7566 0.7380
1.490 0.6477 0.6350
1.987 0.5743 0.5687
2.980 0.4890 0.4844
3.974 0.4387 0.4381
EOD

set terminal pngcairo size 1100,450 font ",11"
set output "docs/fig9-exact.png"
set multiplot layout 1,2
set title "d = 1, E = -0.35: localization length in units of l"
set xlabel "W"; set ylabel "xi / l"
set xrange [1.0:2.6]; set yrange [0:12.5]
set key top right
plot $d1 u 1:3:4 w yerrorbars pt 7 ps 1.2 lc rgb "black" t "exact (ED): sqrt(<x^2>/2)", \
     $d1 u 1:5 w lp pt 6 dt 2 lc rgb "black" t "exact: sqrt(zeta(3)) xi_L", \
     $d1 u 1:6 w lp pt 5 lc rgb "#1f77b4" t "lattice VW (42)", \
     $d1 u 1:7 w lp pt 9 lc rgb "#d62728" t "closure", \
     $stall u 1:2 w p pt 10 ps 1.6 lc rgb "#d62728" t "closure W = 1.2: > 11.8 (stalls)"
set title "exact d(q)/xi^2 = (1/A(q) - 1)/(q xi)^2, Suslov (61), (63)"
set xlabel "q xi"; set ylabel "d(q) / xi^2"
set xrange [0:4.2]; set yrange [0:1.1]
set key top right
plot $dq u 1:2 w lp pt 7 lc rgb "black" t "W = 1.2", $dq u 1:3 w lp pt 6 lc rgb "#555555" t "W = 2.4", \
     1 w l dt 3 lc rgb "gray" t "no dispersion"
unset multiplot

# d = 3, E = 0: W, Lambda_4, err, Lambda_6, err, Lambda_8, err
$lam << EOD
14   0.7748 0.0039 0.8345 0.0042 0.9098 0.0045
15   0.6873 0.0034 0.7189 0.0036 0.7572 0.0038
16   0.6217 0.0031 0.6261 0.0031 0.6265 0.0031
16.5 0.5898 0.0029 0.5812 0.0029 0.5785 0.0029
17   0.5613 0.0028 0.5451 0.0027 0.5322 0.0027
18   0.5071 0.0025 0.4872 0.0024 0.4656 0.0023
19   0.4690 0.0023 0.4377 0.0022 0.4062 0.0020
EOD
# mobility edge: E, exact W_c, error (upper branch); lower branch at E = 7.5; lattice VW W_c
$edge << EOD
0   16.05 0.67
4   16.65 0.15
6   16.26 0.36
7.5 14.90 0.37
EOD
$lower << EOD
7.5 11.64 0.07
EOD
$vw << EOD
0 7.14
4 6.94
5 6.70
EOD
set output "docs/fig10-exact-3d.png"
set multiplot layout 1,2
set title "d = 3, E = 0: Lambda_M = xi_M / M (transfer matrix)"
set xlabel "W"; set ylabel "Lambda_M"
set xrange [13.5:19.5]; set yrange [0.35:0.95]
set key top right
set arrow 1 from 16.54,0.35 to 16.54,0.95 nohead dt 3 lc rgb "gray"
plot $lam u 1:2:3 w yerrorlines pt 7 t "M = 4", $lam u 1:4:5 w yerrorlines pt 5 t "M = 6", $lam u 1:6:7 w yerrorlines pt 9 t "M = 8"
unset arrow 1
set title "d = 3: mobility edge W_c(E)"
set xlabel "W_c"; set ylabel "E"
set xrange [0:19]; set yrange [-0.5:8.5]
set key at 10.8,3.4
plot $edge u 2:1:3 w xerrorbars pt 7 lc rgb "black" t "exact (TMM, widths 6/8)", \
     $lower u 2:1:3 w xerrorbars pt 6 lc rgb "black" t "exact, lower edge (re-entrant)", \
     $vw u 2:1 w lp pt 5 lc rgb "#1f77b4" t "lattice VW (42)", \
     '-' u 1:2 w p pt 9 ps 1.5 lc rgb "#d62728" t "closure, E = 0.3 (10-12)"
11 0.3
e
unset multiplot
