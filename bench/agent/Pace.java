import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Open-loop, fixed-rate HTTP/1.1 POST load generator (a stand-in for wrk2 -R, which Debian does
 * not package). Request i is due at start + i/rate; a pool of keep-alive connections picks due
 * requests in order, and latency is measured from the DUE time, not the send time, so a stall
 * (server or client side) shows up in the percentiles instead of silently lowering the rate
 * (no coordinated omission).
 *
 * <p>Usage: {@code java Pace.java URL BODY_FILE CONTENT_TYPE RATE SECONDS [CONNECTIONS] [WARMUP_SECONDS]}.
 * Prints the same RESULT line as wrk-post.lua.
 */
public class Pace {
    public static void main(String[] args) throws Exception {
        if (args.length < 5) {
            System.err.println("usage: java Pace.java URL BODY_FILE CONTENT_TYPE RATE SECONDS [CONNECTIONS] [WARMUP_SECONDS]");
            System.exit(2);
        }
        URI uri = URI.create(args[0]);
        byte[] body = Files.readAllBytes(Path.of(args[1]));
        String contentType = args[2];
        double rate = Double.parseDouble(args[3]);
        double seconds = Double.parseDouble(args[4]);
        int conns = args.length > 5 ? Integer.parseInt(args[5]) : 16;
        double warmup = args.length > 6 ? Double.parseDouble(args[6]) : 2;

        String path = uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                + "\r\nContent-Type: " + contentType + "\r\nContent-Length: " + body.length
                + "\r\nConnection: keep-alive\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] request = new byte[head.length + body.length];
        System.arraycopy(head, 0, request, 0, head.length);
        System.arraycopy(body, 0, request, head.length, body.length);

        int warmupCount = (int) (rate * warmup);
        int total = warmupCount + (int) (rate * seconds);
        long[] latencyNanos = new long[total];
        Arrays.fill(latencyNanos, -1);
        AtomicInteger next = new AtomicInteger();
        AtomicLong errors = new AtomicLong();
        AtomicLong non2xx = new AtomicLong();
        Map<String, AtomicLong> errorKinds = new ConcurrentHashMap<>();
        double intervalNanos = 1e9 / rate;
        long start = System.nanoTime() + 200_000_000L;

        Thread[] threads = new Thread[conns];
        for (int t = 0; t < conns; t++) {
            threads[t] = new Thread(() -> {
                Socket socket = null;
                InputStream in = null;
                OutputStream out = null;
                int i;
                while ((i = next.getAndIncrement()) < total) {
                    long due = start + (long) (i * intervalNanos);
                    long wait;
                    while ((wait = due - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    try {
                        if (socket == null) {
                            socket = new Socket();
                            socket.setTcpNoDelay(true);
                            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 10_000);
                            socket.setSoTimeout(10_000);
                            in = new BufferedInputStream(socket.getInputStream(), 65536);
                            out = socket.getOutputStream();
                        }
                        out.write(request);
                        out.flush();
                        int status = readResponse(in);
                        latencyNanos[i] = System.nanoTime() - due;
                        if (Math.abs(status) < 200 || Math.abs(status) > 299) {
                            non2xx.incrementAndGet();
                        }
                        if (status < 0) { // the server said Connection: close
                            socket.close();
                            socket = null;
                        }
                    } catch (IOException e) {
                        latencyNanos[i] = System.nanoTime() - due;
                        errors.incrementAndGet();
                        errorKinds.computeIfAbsent(e.toString(), k -> new AtomicLong()).incrementAndGet();
                        try {
                            if (socket != null) {
                                socket.close();
                            }
                        } catch (IOException ignored) {
                            // reconnect on the next request
                        }
                        socket = null;
                    }
                }
                try {
                    if (socket != null) {
                        socket.close();
                    }
                } catch (IOException ignored) {
                    // done
                }
            }, "pace-" + t);
            threads[t].start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        long end = System.nanoTime();

        long[] measured = Arrays.copyOfRange(latencyNanos, warmupCount, total);
        Arrays.sort(measured);
        long measuredStart = start + (long) (warmupCount * intervalNanos);
        double elapsed = (end - measuredStart) / 1e9;
        System.out.printf("RESULT rps=%.1f p50=%.3f p99=%.3f p999=%.3f max=%.3f errors=%d non2xx=%d requests=%d%n",
                measured.length / elapsed, pct(measured, 50), pct(measured, 99), pct(measured, 99.9),
                measured[measured.length - 1] / 1e6, errors.get(), non2xx.get(), measured.length);
        errorKinds.forEach((k, n) -> System.err.println("pace error x" + n + ": " + k));
    }

    private static double pct(long[] sorted, double p) {
        int idx = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))] / 1e6;
    }

    /**
     * Reads one HTTP/1.1 response (Content-Length or chunked body) and returns its status, negated
     * when the server closes the connection after it.
     */
    private static int readResponse(InputStream in) throws IOException {
        String statusLine = readLine(in);
        int status = Integer.parseInt(statusLine.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        boolean close = false;
        String line;
        while (!(line = readLine(in)).isEmpty()) {
            String lower = line.toLowerCase();
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(line.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            } else if (lower.startsWith("connection:") && lower.contains("close")) {
                close = true;
            }
        }
        if (chunked) {
            long size;
            while ((size = Long.parseLong(readLine(in).split(";")[0].trim(), 16)) > 0) {
                skip(in, size);
                readLine(in);
            }
            while (!readLine(in).isEmpty()) {
                // trailers
            }
        } else if (length > 0) {
            skip(in, length);
        }
        return close ? -status : status;
    }

    private static void skip(InputStream in, long n) throws IOException {
        while (n > 0) {
            long s = in.skip(n);
            if (s <= 0) {
                if (in.read() < 0) {
                    throw new IOException("connection closed mid-body");
                }
                s = 1;
            }
            n -= s;
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder(64);
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new IOException("connection closed");
            }
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }
}
