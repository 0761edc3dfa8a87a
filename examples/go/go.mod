module github.com/pnng/pnng/examples/go

go 1.19

require github.com/pnng/pnng/bindings/go v0.0.0

replace github.com/pnng/pnng/bindings/go => ../../bindings/go
