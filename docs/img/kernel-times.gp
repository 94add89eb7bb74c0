# Node completion times of `darner bench --kernel --kernel-times FILE`, one series per system.
# gnuplot -e "csv='docs/img/kernel-times-A.csv'; out='docs/img/kernel-times-A.png'" docs/img/kernel-times.gp
set terminal png size 900,520
set output out
set datafile separator ","
set title "Kernel harness, scenario A: 16 nodes, 25 MB/s caps, 128 MiB"
set xlabel "node (sorted by completion)"
set ylabel "seconds since the start"
set key right center box opaque
set grid
set xrange [0.5:*]
set yrange [0:*]
plot csv using ($3):(strcol(2) eq "darner" ? $4 : 1/0) with linespoints lw 2 pt 7 title "darner", \
     csv using ($3):(strcol(2) eq "aria2" ? $4 : 1/0) with linespoints lw 2 pt 5 title "aria2 (BitTorrent)", \
     csv using ($3):(strcol(2) eq "http" ? $4 : 1/0) with linespoints lw 2 pt 9 title "nginx + curl (HTTP)", \
     5.37 with lines dt 2 lc rgb "black" title "fluid bound 5.37 s"
