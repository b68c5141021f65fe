"""Messages of imports and exports that are not model rules (those come from
`academics.messages` and the model fields themselves). Tests import them."""

UNKNOWN_RESOURCE = "Unknown model {name!r}; expected one of: {choices}."
UNKNOWN_TENANT = "Unknown tenant {identifier!r}."
FILE_MISSING = "No such file: {path}."
FILE_NOT_UTF8 = (
    "{path} is not UTF-8 text (undecodable byte at position {position}); "
    "save the spreadsheet as CSV UTF-8."
)
FILE_EMPTY = "{path} is empty: the first line must name the columns."
UNKNOWN_COLUMNS = "Unknown column(s): {columns}. The columns of {resource} are: {expected}."
MISSING_COLUMNS = "Missing column(s): {columns}; rows of {resource} are matched by them."
DUPLICATE_COLUMNS = "Column(s) named more than once: {columns}."
ROW_LENGTH = "The row does not have one cell per column of the header."
REFERENCE_INVALID = "The selected {attribute} is invalid."
REFERENCE_AMBIGUOUS = "More than one {model} matches the {attribute}; give its uuid."
RECORD_AMBIGUOUS = "More than one {model} matches this row."
DUPLICATE_IN_FILE = "The same {model} is already on line {line} of this file."
