// websocket-bench.go: the WebSocket echo backend and load client of bench/websocket-bench.sh (one binary, four modes).
// golang.org/x/net/websocket from Debian's golang-golang-x-net-dev, built in GOPATH mode:
//   GO111MODULE=off GOPATH=/usr/share/gocode go build -o wsb bench/websocket-bench.go
// Every mode is bounded: each read/write has a deadline, and the client modes stop at their deadline.
//
//   wsb server PORT                          echo every message on /ws; any other path answers 200 "ok" (readiness)
//   wsb hold URL N GOFILE TIMEOUT_S          open N connections (each echoes once), print "opened=", then wait until
//                                            GOFILE exists, echo once more on each, print "echoed=", close them all
//   wsb latency URL N SIZE                   N sequential round trips of SIZE bytes on one connection: p50/p99 in ms
//   wsb throughput URL CONNS SECONDS SIZE    CONNS connections, each one message in flight, for SECONDS: msgs/s
package main

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/net/websocket"
)

const ioTimeout = 10 * time.Second

func echo(ws *websocket.Conn) {
	var msg []byte
	for {
		ws.SetDeadline(time.Now().Add(2 * time.Hour))
		if err := websocket.Message.Receive(ws, &msg); err != nil {
			return
		}
		if err := websocket.Message.Send(ws, msg); err != nil {
			return
		}
	}
}

func dial(url string) (*websocket.Conn, error) {
	config, err := websocket.NewConfig(url, "http://127.0.0.1/")
	if err != nil {
		return nil, err
	}
	config.Dialer = &net.Dialer{Timeout: ioTimeout}
	return websocket.DialConfig(config)
}

// roundTrip sends payload and checks that the same bytes come back.
func roundTrip(ws *websocket.Conn, payload []byte) error {
	ws.SetDeadline(time.Now().Add(ioTimeout))
	if err := websocket.Message.Send(ws, payload); err != nil {
		return err
	}
	var got []byte
	if err := websocket.Message.Receive(ws, &got); err != nil {
		return err
	}
	if !bytes.Equal(got, payload) {
		return fmt.Errorf("echo mismatch: %d bytes back for %d", len(got), len(payload))
	}
	return nil
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		fmt.Fprintln(os.Stderr, "not a number:", s)
		os.Exit(2)
	}
	return n
}

func payload(size int) []byte {
	return bytes.Repeat([]byte("x"), size)
}

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: wsb server PORT | hold URL N GOFILE TIMEOUT_S | latency URL N SIZE | throughput URL CONNS SECONDS SIZE")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "server":
		mux := http.NewServeMux()
		mux.Handle("/ws", websocket.Server{Handler: echo})
		mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok\n")) })
		fmt.Fprintln(os.Stderr, http.ListenAndServe("127.0.0.1:"+os.Args[2], mux))
		os.Exit(1)
	case "hold":
		hold(os.Args[2], atoi(os.Args[3]), os.Args[4], atoi(os.Args[5]))
	case "latency":
		latency(os.Args[2], atoi(os.Args[3]), atoi(os.Args[4]))
	case "throughput":
		throughput(os.Args[2], atoi(os.Args[3]), atoi(os.Args[4]), atoi(os.Args[5]))
	default:
		fmt.Fprintln(os.Stderr, "unknown mode", os.Args[1])
		os.Exit(2)
	}
}

func hold(url string, n int, goFile string, timeoutS int) {
	deadline := time.Now().Add(time.Duration(timeoutS) * time.Second)
	conns := make([]*websocket.Conn, n)
	var wg sync.WaitGroup
	var failed int64
	sem := make(chan struct{}, 20) // 20 handshakes at a time
	for i := 0; i < n; i++ {
		wg.Add(1)
		sem <- struct{}{}
		go func(i int) {
			defer wg.Done()
			defer func() { <-sem }()
			if time.Now().After(deadline) {
				atomic.AddInt64(&failed, 1)
				return
			}
			ws, err := dial(url)
			if err == nil {
				err = roundTrip(ws, []byte(fmt.Sprintf("hello %d", i)))
			}
			if err != nil {
				atomic.AddInt64(&failed, 1)
				if atomic.LoadInt64(&failed) <= 3 {
					fmt.Fprintln(os.Stderr, "connection", i, err)
				}
				if ws != nil {
					ws.Close()
				}
				return
			}
			conns[i] = ws
		}(i)
	}
	wg.Wait()
	fmt.Printf("opened=%d failed=%d\n", n-int(failed), failed)
	for time.Now().Before(deadline) {
		if _, err := os.Stat(goFile); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	var echoed int64
	for i, ws := range conns {
		if ws == nil {
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func(i int, ws *websocket.Conn) {
			defer wg.Done()
			defer func() { <-sem }()
			if err := roundTrip(ws, []byte(fmt.Sprintf("still there %d", i))); err == nil {
				atomic.AddInt64(&echoed, 1)
			}
		}(i, ws)
	}
	wg.Wait()
	fmt.Printf("echoed=%d\n", echoed)
	for _, ws := range conns {
		if ws != nil {
			ws.Close()
		}
	}
}

func latency(url string, n, size int) {
	ws, err := dial(url)
	if err != nil {
		fmt.Printf("p50_ms=- p99_ms=- done=0 errors=1\n")
		fmt.Fprintln(os.Stderr, err)
		return
	}
	defer ws.Close()
	msg := payload(size)
	rtts := make([]time.Duration, 0, n)
	errors := 0
	deadline := time.Now().Add(120 * time.Second)
	for i := 0; i < n && time.Now().Before(deadline); i++ {
		start := time.Now()
		if err := roundTrip(ws, msg); err != nil {
			errors++
			fmt.Fprintln(os.Stderr, err)
			break
		}
		rtts = append(rtts, time.Since(start))
	}
	if len(rtts) == 0 {
		fmt.Printf("p50_ms=- p99_ms=- done=0 errors=%d\n", errors)
		return
	}
	sort.Slice(rtts, func(a, b int) bool { return rtts[a] < rtts[b] })
	pct := func(p float64) float64 {
		return float64(rtts[int(p*float64(len(rtts)-1))].Microseconds()) / 1000
	}
	fmt.Printf("p50_ms=%.3f p99_ms=%.3f done=%d errors=%d\n", pct(0.50), pct(0.99), len(rtts), errors)
}

func throughput(url string, conns, seconds, size int) {
	msg := payload(size)
	var total, errors int64
	var wg sync.WaitGroup
	start := time.Now()
	end := start.Add(time.Duration(seconds) * time.Second)
	for c := 0; c < conns; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ws, err := dial(url)
			if err != nil {
				atomic.AddInt64(&errors, 1)
				return
			}
			defer ws.Close()
			var done int64
			for time.Now().Before(end) {
				if err := roundTrip(ws, msg); err != nil {
					atomic.AddInt64(&errors, 1)
					break
				}
				done++
			}
			atomic.AddInt64(&total, done)
		}()
	}
	wg.Wait()
	elapsed := time.Since(start).Seconds()
	fmt.Printf("msgs_per_s=%.0f total=%d errors=%d seconds=%.2f\n", float64(total)/elapsed, total, errors, elapsed)
}
