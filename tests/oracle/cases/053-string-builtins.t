{ length 'hello' } { lc 'MiXeD' } { uc 'mixed' } { lcfirst 'ABC' } { ucfirst 'abc' }
{ substr('abcdef', 2) } { substr('abcdef', 1, 3) } { substr('abcdef', -2) } { substr('abcdef', 1, -2) }
{ index('hello world', 'o') } { index('hello world', 'o', 5) } { rindex('hello world', 'o') } { index('abc', 'z') }
[{ length undef }]
