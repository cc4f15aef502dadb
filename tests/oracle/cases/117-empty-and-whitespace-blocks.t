a{ }b{
}c{ ; }d{ # c
}e
