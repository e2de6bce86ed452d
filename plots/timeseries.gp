# plots/timeseries.gp: goodput and each domain's cores over simulated time, for replication 0
# of a run (columns found by name in timeseries.csv).
#   gnuplot -e "dir='results/xen-rx-1guest'" plots/timeseries.gp    -> dir/timeseries.png
if (!exists("dir")) dir = 'results/xen-rx-1guest'
in = dir . '/timeseries.csv'
set terminal pngcairo size 1000,600 font ',10'
set output dir . '/timeseries.png'
set datafile separator ','
set key autotitle columnhead outside right
set grid
set multiplot layout 2,1 title dir
# Columns by header: goodput first, then every "*.cores" domain column.
col(name) = int(system(sprintf("head -1 '%s' | tr ',' '\\n' | grep -n -x '%s' | cut -d: -f1", in, name)))
set ylabel 'goodput (Gbit/s)'
set yrange [0:*]
g = col('goodput_gbps')
if (g > 0) { plot in every ::1 using ($1 == 0 ? $2 : NaN):g with lines lw 2 title 'goodput' } else { unset multiplot; print 'no goodput column'; exit }
set ylabel 'cores'
set xlabel 'simulated time (ms)'
cores = system(sprintf("head -1 '%s' | tr ',' '\\n' | grep -n '\\.cores$' | cut -d: -f1 | tr '\\n' ' '", in))
plot for [c in cores] in every ::1 using ($1 == 0 ? $2 : NaN):(column(int(c))) with lines lw 1.5 title columnhead(int(c))
unset multiplot
