# Shared by the figure scripts: terminal, output and the colour and name of each class.
# Set before loading: fmt ("pngcairo", "png" or "svg"), out (file), w, h (pixels).
if (fmt eq "svg") {
    set terminal svg size w,h dynamic enhanced font "DejaVu Sans,12" background rgb "white"
} else {
    if (fmt eq "pngcairo") {
        set terminal pngcairo size w,h enhanced font "DejaVu Sans,11" background rgb "white"
    } else {
        set terminal png size w,h enhanced font "DejaVu Sans,11" background rgb "white"
    }
}
set output out
set encoding utf8

# Class files are named M0, M1, Minf, X, none (collop's '-': no structural class).
color(c) = c eq "M0" ? "#1f77b4" : c eq "M1" ? "#2ca02c" : c eq "Minf" ? "#d62728" : c eq "X" ? "#ff7f0e" : "#7f7f7f"
label(c) = c eq "M0" ? "M_0 (λ ∝ ω)" : c eq "M1" ? "M_1 (λ ∝ 1)" : c eq "Minf" ? "M_∞ (λ ∝ 1/ω)" : c eq "X" ? "X (crossover)" : "no class (cooperon)"
set grid lc rgb "#dddddd"
# Units (collop's): hopping t = 1, lattice spacing a = 1, ħ = 1. Energies and rates (λ, ω,
# E, W) are in units of t, momenta in units of 1/a, lengths in units of a, D in a²t/ħ.
set border lc rgb "#404040"
