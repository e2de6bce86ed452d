# plots/sweep.gp: goodput and cores per Gbit/s against a swept parameter, with the 95%
# confidence intervals of the replications as error bars.
#   gnuplot -e "in='results/.../sweep.csv'; out='x.png'; xlabel='netback.txqueuelen'; title='...'" plots/sweep.gp
if (!exists("in")) in = 'sweep.csv'
if (!exists("out")) out = 'sweep.png'
if (!exists("xlabel")) xlabel = 'value'
if (!exists("title")) title = ''
set terminal pngcairo size 1000,420 font ',10'
set output out
set datafile separator ','
set multiplot layout 1,2 title title
set grid
set key off
set xlabel xlabel
if (!exists("logx")) logx = 1
if (logx) set logscale x
set offsets graph 0.05, graph 0.05, 0, 0
set ylabel 'goodput (Gbit/s)'
set yrange [0:*]
plot sprintf("< grep ',goodput_gbps,' '%s'", in) using 2:4:5:6 with yerrorlines lw 2 pt 7
set ylabel 'cores per Gbit/s'
plot sprintf("< grep ',cores_per_gbit,' '%s'", in) using 2:4:5:6 with yerrorlines lw 2 pt 7 lc 2
unset multiplot
