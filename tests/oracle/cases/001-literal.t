plain text only
second line
