package flinkdbt

// The event callback the C library calls. Kept in its own file: a file with //export may declare,
// but not define, C functions in its preamble.

/*
#include <stdint.h>
*/
import "C"

import (
	"runtime/cgo"
	"unsafe"
)

//export flinkdbtGoEvent
func flinkdbtGoEvent(eventJSON *C.char, payload unsafe.Pointer) {
	sink, ok := cgo.Handle(uintptr(payload)).Value().(*eventSink)
	if !ok {
		return
	}
	sink.deliver(C.GoString(eventJSON))
}
