"""The cadres app's spreadsheets, on the member roster's machinery (``members.roster``).

columns: the columns of the attendance sheet and of the cadre profile import, matched loosely;
reading: an upload opened with the roster's safety checks and reader, checked against our columns;
matching: each row's cadre found by mobile (and name) among the candidates, with its row errors; shared
  by the class's attendance sheet and warning education's sign-in sheet (``integrity``);
attendance: the attendance sheet's rows to attendance, in bulk;
profiles: cadre profiles in, created or updated by mobile, within the importer's scope;
exporting: cadres and the hours ledger out as XLSX, formulas written as text;
templates: the blank sheets to fill in.
"""
