# Figure 7: scaling collapse of Suslov (112): |D0| ω^{−1/(2ν+1)} against τ ω^{−1/(2ν+1)}, one
# curve per ω (collop scaling, table collapse). Data: prepare_theory.py scaling.
w = 800; h = 600
load datadir."/fig7.gp"
load common
set title sprintf("Suslov (112), d = %s, ν = %s: scaling collapse", dim, nu)
set xlabel "τ ω^{-1/(2ν+1)}"
set ylabel "|D_0| ω^{-1/(2ν+1)}"
set logscale y
set format y "10^{%L}"
set key top left samplen 2
n = words(omegas)
plot for [i = 1:n] datadir."/fig7.dat" index (i - 1) using 1:2 with linespoints pt 7 ps 0.7 title sprintf("ω = %s", word(omegas, i))
