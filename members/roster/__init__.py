"""The member roster (会员花名册) in and out of spreadsheets.

columns: the roster's columns, their Chinese and English headers and how each cell is read;
cleaning: one cell of a real-world spreadsheet to a value, or a message saying what is wrong;
files: what an upload is (by content), the safety checks, reading rows, writing the error file;
importing: the dry run and the import itself, in bulk;
exporting: member lists out as XLSX or CSV, streamed, masked per role, formulas written as text;
template: the blank roster to fill in, with notes and drop-down lists.
"""
