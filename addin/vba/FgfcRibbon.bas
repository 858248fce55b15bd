Attribute VB_Name = "FgfcRibbon"
' The one callback of the ribbon tab (addin/customUI14.xml): every button calls
' FgfcOnAction, which passes the clicked button's id to Python through xlwings' RunPython
' (module "xlwings" of this add-in); xl_addin.ribbon.on_button(book, id) does the work.
' Keep this module ASCII: the VBA project is written with code page 1252.
Option Explicit

Public Sub FgfcOnAction(control As Object)
    RunPython "import xlwings as xw, xl_addin.ribbon as r; r.on_button(xw.Book.caller(), '" & control.Id & "')"
End Sub
