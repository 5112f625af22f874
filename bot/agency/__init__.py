"""The agency's tools: Excel templates and batch matching of a register of enterprises.

template.py writes the template; columns.py maps a header row to facts; cells.py reads one cell as the
chat reads a typed answer; sheets.py reads xlsx/csv rows; workbook.py writes the results; batch.py runs it.
"""
