"""Dashboards: pages of blocks (key figure, chart, map, table, text) drawn from one or several datasets.

- :mod:`.policy`: who may know a dashboard exists and who may change it (the dataset access policy, reused);
- :mod:`.filters`: the page-level filters (territory, period, theme) and their ODSQL conditions;
- :mod:`.kpi`: key figures and their comparison with the previous period;
- :mod:`.render`: each block drawn for one person, through the dataset policy (« Données réservées »);
- :mod:`.forms`, :mod:`.views`: editing and reading pages; :mod:`.embeds`: the iframe versions.
"""
