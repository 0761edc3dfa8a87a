package pnng

// #include "pnng.h"
// extern void pnngGoLog(int level, char *msg, void *userdata);
import "C"

import (
	"log"
	"strconv"
	"strings"
	"sync"
	"unsafe"
)

// LogLevel is the severity of a log line (syslog's levels, as NNG uses them).
type LogLevel int

// The log levels, from the most to the least severe.
const (
	LogNone   LogLevel = C.PNNG_LOG_NONE   // nothing (for SetLogLevel)
	LogError  LogLevel = C.PNNG_LOG_ERR    // errors
	LogWarn   LogLevel = C.PNNG_LOG_WARN   // warnings (the default level)
	LogNotice LogLevel = C.PNNG_LOG_NOTICE // notable events
	LogInfo   LogLevel = C.PNNG_LOG_INFO   // information (dialers and listeners starting)
	LogDebug  LogLevel = C.PNNG_LOG_DEBUG  // debugging detail
)

// String returns the level's name: "error", "warning", "notice", "info", "debug".
func (l LogLevel) String() string {
	switch l {
	case LogNone:
		return "none"
	case LogError:
		return "error"
	case LogWarn:
		return "warning"
	case LogNotice:
		return "notice"
	case LogInfo:
		return "info"
	case LogDebug:
		return "debug"
	}
	return "level " + strconv.Itoa(int(l))
}

// A Logger receives the library's log lines: NNG's and pnng's (e.g. "Synchronous dial to
// tcp://127.0.0.1:5555 failed (Connection refused); dialing in the background"), and this
// package's report of a dialer that fails in the background ("dial tcp://127.0.0.1:5555:
// connection refused; dialing again in the background"), made once per dialer.
//
// A Logger runs on one goroutine of the package, one line at a time, in the order the lines
// were logged; it must not call SetLogger. Lines logged faster than it handles them are
// dropped beyond a backlog of 256.
type Logger func(level LogLevel, msg string)

// StdLogger returns a Logger writing to l (the standard log package's logger when l is nil)
// as "pnng: <level>: <msg>". It is the default Logger.
func StdLogger(l *log.Logger) Logger {
	return func(level LogLevel, msg string) {
		if l == nil {
			log.Printf("pnng: %s: %s", level, msg)
		} else {
			l.Printf("pnng: %s: %s", level, msg)
		}
	}
}

// SetLogger sends log lines to fn from now on; nil discards them. The default is
// StdLogger(nil): the standard log package, which writes to standard error.
func SetLogger(fn Logger) {
	logs.mu.Lock()
	logs.fn = fn
	logs.mu.Unlock()
}

// SetLogLevel sets the most verbose level passed to the Logger (default LogWarn; LogNone
// silences everything, the background-dial reports included).
func SetLogLevel(level LogLevel) {
	C.pnng_set_log_level(C.int(level))
	logs.mu.Lock()
	logs.level = level
	logs.mu.Unlock()
}

type logLine struct {
	level LogLevel
	msg   string
}

// dialWatch is a dialer whose background failures are reported once.
type dialWatch struct {
	sock     uint32
	url      string
	armed    bool // started: failures from now on are background failures
	reported bool
}

var logs struct {
	mu       sync.Mutex
	fn       Logger
	level    LogLevel
	lines    chan logLine
	dialers  map[uint32]*dialWatch // by dialer id
	fellBack map[string]int        // fallback warnings seen per URL, not yet claimed by Dial
}

func init() {
	logs.fn = StdLogger(nil)
	logs.level = LogWarn
	logs.lines = make(chan logLine, 256)
	logs.dialers = make(map[uint32]*dialWatch)
	logs.fellBack = make(map[string]int)
	go deliverLogs(logs.lines)
	C.pnng_set_log_callback(C.pnng_log_cb(C.pnngGoLog), nil)
}

func deliverLogs(lines <-chan logLine) {
	for l := range lines {
		logs.mu.Lock()
		fn := logs.fn
		logs.mu.Unlock()
		if fn != nil {
			fn(l.level, l.msg)
		}
	}
}

// queueLog hands a line to the delivery goroutine without blocking. Called with logs.mu held.
func queueLog(level LogLevel, msg string) {
	if logs.fn == nil || level > logs.level {
		return
	}
	select {
	case logs.lines <- logLine{level, msg}:
	default: // backlog full: drop rather than block a library thread
	}
}

//export pnngGoLog
func pnngGoLog(level C.int, msg *C.char, _ unsafe.Pointer) {
	text := C.GoString(msg)
	logs.mu.Lock()
	defer logs.mu.Unlock()
	if handleDialLog(text) {
		return
	}
	queueLog(LogLevel(level), text)
}

const (
	connFailPrefix = "NNG-CONN-FAIL: Failed connecting socket<"
	fallbackPrefix = "Synchronous dial to "
	fallbackInfix  = " failed ("
)

// handleDialLog handles the lines about dialing: NNG's "NNG-CONN-FAIL" (logged at every
// failed attempt, including a blocking dial's) is turned into one report per started dialer;
// pnng's fallback warning is passed on and counts as that dialer's report. Returns true when
// the line was consumed. Called with logs.mu held.
func handleDialLog(text string) bool {
	if strings.HasPrefix(text, fallbackPrefix) {
		if i := strings.Index(text, fallbackInfix); i > len(fallbackPrefix) {
			logs.fellBack[text[len(fallbackPrefix):i]]++
		}
		return false
	}
	if !strings.HasPrefix(text, connFailPrefix) {
		return false
	}
	// NNG-CONN-FAIL: Failed connecting socket<ID> to URL: CAUSE
	rest := text[len(connFailPrefix):]
	end := strings.Index(rest, "> to ")
	sep := strings.LastIndex(rest, ": ")
	if end < 0 || sep < end+len("> to ") {
		return false // not the format this code knows: pass it on unchanged
	}
	sock, err := strconv.ParseUint(rest[:end], 10, 32)
	if err != nil {
		return false
	}
	url, cause := rest[end+len("> to "):sep], rest[sep+2:]
	for _, w := range logs.dialers {
		if w.armed && !w.reported && w.sock == uint32(sock) && w.url == url {
			w.reported = true
			queueLog(LogWarn, "dial "+url+": "+lowerFirst(cause)+"; dialing again in the background")
			break
		}
	}
	return true
}

// watchDialer starts watching a dialer (armed: already started). reported marks a dialer
// whose failure the fallback warning already told.
func watchDialer(id, sock uint32, url string, armed bool) {
	logs.mu.Lock()
	logs.dialers[id] = &dialWatch{sock: sock, url: url, armed: armed}
	logs.mu.Unlock()
}

// armDialer marks a watched dialer as started.
func armDialer(id uint32) {
	logs.mu.Lock()
	if w := logs.dialers[id]; w != nil {
		w.armed = true
	}
	logs.mu.Unlock()
}

// watchFallbackDialer watches a dialer made by a DialFallback Dial: if the dial fell back
// (pnng's warning for url was logged), the warning was its report.
func watchFallbackDialer(id, sock uint32, url string) {
	logs.mu.Lock()
	w := &dialWatch{sock: sock, url: url, armed: true}
	if logs.fellBack[url] > 0 {
		w.reported = true
		if logs.fellBack[url]--; logs.fellBack[url] == 0 {
			delete(logs.fellBack, url)
		}
	}
	logs.dialers[id] = w
	logs.mu.Unlock()
}

func unwatchDialer(id uint32) {
	logs.mu.Lock()
	delete(logs.dialers, id)
	logs.mu.Unlock()
}

func unwatchSocket(sock uint32) {
	logs.mu.Lock()
	for id, w := range logs.dialers {
		if w.sock == sock {
			delete(logs.dialers, id)
		}
	}
	logs.mu.Unlock()
}
