#!/bin/sh
# The bash completion of db/config: commands, db names, keys, prop names
# and, from the schema, a prop's allowed values.
. tests/lib.sh
new_root
SCHEMA="$ROOT/etc/e-smith/db/configuration/schema"
mkdir -p "$SCHEMA"
cp "$TOP/root/etc/e-smith/db/configuration/schema/qpsmtpd.xml" "$SCHEMA/"
config set qpsmtpd service status enabled access private >/dev/null 2>&1
config set qmail service status enabled >/dev/null 2>&1
db accounts set admin user >/dev/null 2>&1

# complete WORDS...: what the completion offers for the last word
complete_words() {
    bash -c '. "$1/completion/db.bash"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
             _esmith_db; printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " " | sed "s/ $//"' \
        complete "$TOP" "$@"
}

check_eq "commands" "set setdefault setprop settype" "$(complete_words config se)"
check_eq "describe and delete" "delete delprop describe" "$(complete_words config de)"
check_eq "keys" "qmail qpsmtpd" "$(complete_words config getprop q)"
check_eq "prop names from record and schema" "HeloPolicy HeloReject access status" \
    "$(complete_words config setprop qpsmtpd '')"
check_eq "enum values" "lenient rfc strict" "$(complete_words config setprop qpsmtpd HeloPolicy '')"
check_eq "values by prefix" "naughty" "$(complete_words config setprop qpsmtpd HeloReject n)"
check_eq "switch values" "disabled enabled" \
    "$(complete_words config setprop qpsmtpd HeloPolicy rfc status '')"
check_eq "second prop name" "HeloReject" "$(complete_words config setprop qpsmtpd HeloPolicy rfc HeloR)"
check_eq "free-form prop: no values" "" "$(complete_words config setprop qpsmtpd access '')"
check_eq "describe: prop names" "HeloPolicy HeloReject" "$(complete_words config describe qpsmtpd Helo)"
check_eq "set: the type" "service" "$(complete_words config set qpsmtpd '')"
check_eq "db: database names" "accounts configuration" "$(complete_words db '')"
check_eq "db: keys of that db" "admin" "$(complete_words db accounts getprop '')"
check_eq "db configuration: values" "lenient rfc strict" \
    "$(complete_words db configuration setprop qpsmtpd HeloPolicy '')"
check "the script passes bash -n" bash -n "$TOP/completion/db.bash"
