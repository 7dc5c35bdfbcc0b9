//! Reading whole matrices: workbooks built in the tests, a committed openpyxl workbook, CSV files.
