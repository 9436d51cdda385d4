package dev.vigil.alerts.report;

import dev.vigil.alerts.AlertContent;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Writes {@code report.html} locally and, when the content's report.json lives in S3, next to it.
 *
 * <p>Local layout: {@code DIR/ENDPOINT/VARIANT/yyyyMMdd'T'HHmmss'Z'/report.html} (plus report.json
 * when the content carries it). The S3 copy goes to the same prefix as report.json.
 */
public final class ReportPublisher {
  private static final Logger log = LoggerFactory.getLogger(ReportPublisher.class);
  private static final DateTimeFormatter WINDOW =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

  /** Where a report went. */
  public record Published(Path localFile, URI s3Location) {}

  private final Path localDir;
  private final S3Client s3; // nullable: local only

  /**
   * @param localDir directory for local copies (created when needed)
   * @param s3 client for the S3 copy, or null to write locally only
   */
  public ReportPublisher(Path localDir, S3Client s3) {
    if (localDir == null) {
      throw new NullPointerException("localDir must not be null");
    }
    this.localDir = localDir;
    this.s3 = s3;
  }

  /**
   * Renders and writes the page.
   *
   * @throws IOException when the local copy cannot be written
   * @throws software.amazon.awssdk.core.exception.SdkException when the S3 put fails
   */
  public Published publish(AlertContent content) throws IOException {
    byte[] page = HtmlReport.render(content).getBytes(StandardCharsets.UTF_8);
    Path dir = localDir.resolve(safe(content.endpoint())).resolve(safe(content.variant()))
        .resolve(WINDOW.format(content.windowStart()));
    Files.createDirectories(dir);
    Path file = dir.resolve("report.html");
    write(file, page);
    if (content.reportJson() != null) {
      write(dir.resolve("report.json"), content.reportJson());
    }
    URI s3Location = null;
    URI target = content.reportHtmlLocation();
    if (s3 != null && target != null && "s3".equalsIgnoreCase(target.getScheme())) {
      String bucket = target.getHost();
      String key = target.getPath().startsWith("/") ? target.getPath().substring(1) : target.getPath();
      s3.putObject(b -> b.bucket(bucket).key(key).contentType("text/html; charset=utf-8"), RequestBody.fromBytes(page));
      s3Location = target;
      log.info("Published {} and {}", file, target);
    } else {
      log.info("Published {}", file);
    }
    return new Published(file, s3Location);
  }

  private static void write(Path file, byte[] bytes) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.write(tmp, bytes);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Endpoint names are validated by config, but a path must never escape the directory. */
  private static String safe(String s) {
    String cleaned = s.replaceAll("[^A-Za-z0-9._-]", "_");
    return cleaned.isEmpty() || cleaned.startsWith(".") ? "_" + cleaned : cleaned;
  }
}
