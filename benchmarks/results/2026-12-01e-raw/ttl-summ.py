import json,sys
for r in json.load(open(sys.argv[1])):
    tc=r.get('secondaryMetrics',{}).get('task-clock',{}).get('score')
    print(sys.argv[2], r['benchmark'].split('.')[-1], r['params']['backend'], 'thrpt=%.0f' % r['primaryMetric']['score'],
          'raw=' + str([round(x/1000) for x in r['primaryMetric']['rawData'][0]]) + 'k',
          'cpu_us_per_op=%.3f' % (tc*1000) if tc is not None else '')
