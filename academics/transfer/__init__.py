"""Bulk import and export of records as CSV (command line and admin).

`specs` declares, once per resource, the columns a file has and how a row finds its record and
its related records by natural keys; `importer` and `exporter` read those declarations, and
`resources` builds the admin's django-import-export resources from the same declarations.
"""
