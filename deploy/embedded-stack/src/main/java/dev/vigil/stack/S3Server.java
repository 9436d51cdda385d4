package dev.vigil.stack;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * S3Proxy over a filesystem blob store: each bucket is a directory under {@code dataDir/s3} and
 * each object a file, so objects survive restarts. Requests must be signed (V2 or V4) with the
 * fixed local credentials; path-style addressing only.
 *
 * <p>S3Proxy's Jetty threads are not daemons: {@link #stop()} must always run, which
 * {@link EmbeddedStack#close()} guarantees.
 */
final class S3Server {
  private static final Logger log = LoggerFactory.getLogger(S3Server.class);

  static final String ACCESS_KEY = "vigil";
  static final String SECRET_KEY = "vigil-local-secret";
  static final String REGION = "us-east-1";

  private final Path root;
  private final String bucket;
  private int port;

  // Guarded by "this".
  private S3Proxy proxy;
  private BlobStore blobStore;

  S3Server(Path root, String bucket, int port) {
    this.root = root;
    this.bucket = bucket;
    this.port = port;
  }

  int port() {
    return port;
  }

  URI endpoint() {
    return URI.create("http://" + Ports.HOST + ":" + port);
  }

  synchronized boolean isRunning() {
    return proxy != null;
  }

  synchronized void start() {
    if (proxy != null) {
      return;
    }
    if (port != 0) {
      Ports.requireFree("S3", port, "--s3-port");
    }
    try {
      Files.createDirectories(root);
      blobStore = new FilesystemNio2BlobStore(root.toAbsolutePath().toString());
      if (!blobStore.containerExists(bucket)) {
        blobStore.createContainer(bucket);
      }
      proxy = S3Proxy.builder()
          .blobStore(blobStore)
          .endpoint(URI.create("http://" + Ports.HOST + ":" + port))
          .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
          .metricsEnabled(false)
          .jettyMaxThreads(16)
          // Idle keep-alive connections would hold a graceful stop for the whole timeout; an
          // outage test wants the port gone now.
          .stopTimeout(250)
          .build();
      proxy.start();
      // Jetty reports STARTED asynchronously; wait for it so a client never sees a refusal.
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (!"STARTED".equals(proxy.getState())) {
        if (System.nanoTime() > deadline) {
          throw new StackException("S3Proxy did not reach STARTED, state " + proxy.getState());
        }
        Thread.sleep(10);
      }
      port = proxy.getPort();
    } catch (StackException e) {
      stop();
      throw e;
    } catch (Exception e) {
      stop();
      if (port != 0 && isBindFailure(e)) {
        throw new StackException(Ports.inUseMessage("S3", port, "--s3-port"), e);
      }
      throw new StackException("S3 server failed to start: " + e.getMessage(), e);
    }
  }

  synchronized void stop() {
    if (proxy != null) {
      try {
        proxy.stop();
      } catch (Exception e) {
        log.warn("S3Proxy did not stop cleanly: {}", e.toString());
      }
      proxy = null;
    }
    if (blobStore != null) {
      blobStore.close();
      blobStore = null;
    }
  }

  private static boolean isBindFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.net.BindException) {
        return true;
      }
    }
    return false;
  }
}
