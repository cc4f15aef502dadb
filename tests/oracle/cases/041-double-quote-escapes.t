{ "tab\there\nnew \"q\" \$notvar \@notarr \\ \x41\x{42} \101 \e[0m" }
