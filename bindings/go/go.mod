module github.com/pnng/pnng/bindings/go

go 1.19
