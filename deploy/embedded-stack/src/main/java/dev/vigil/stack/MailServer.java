package dev.vigil.stack;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.mail.MailAddress;
import com.icegreen.greenmail.mail.MovingMessage;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.user.MessageDeliveryHandler;
import com.icegreen.greenmail.user.UserException;
import com.icegreen.greenmail.user.UserManager;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GreenMail SMTP + IMAP on loopback that keeps what it receives.
 *
 * <p>Every message accepted over SMTP is written once, before delivery, as
 * {@code dataDir/smtp/<utc-time>-<n>.eml} (RFC 822, openable in any mail client), with its
 * envelope recipients in {@code dataDir/smtp/.envelope/<same name>.rcpt}. GreenMail itself keeps
 * mail in memory only, so on start the {@code .eml} files are delivered again to their
 * recipients' mailboxes: after a restart IMAP and {@link #receivedMessages()} still show them.
 *
 * <p>No authentication: any SMTP client is accepted, and IMAP logs in as the recipient address
 * with any password.
 */
final class MailServer {
  private static final Logger log = LoggerFactory.getLogger(MailServer.class);
  private static final DateTimeFormatter FILE_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'");
  static final String ENVELOPE_DIR = ".envelope";

  private final Path dir;
  private int smtpPort;
  private int imapPort;
  private final AtomicLong sequence = new AtomicLong();

  // Guarded by "this".
  private GreenMail greenMail;

  MailServer(Path dir, int smtpPort, int imapPort) {
    this.dir = dir;
    this.smtpPort = smtpPort;
    this.imapPort = imapPort;
  }

  int smtpPort() {
    return smtpPort;
  }

  int imapPort() {
    return imapPort;
  }

  Path directory() {
    return dir;
  }

  synchronized boolean isRunning() {
    return greenMail != null;
  }

  synchronized void start() {
    if (greenMail != null) {
      return;
    }
    if (smtpPort != 0) {
      Ports.requireFree("SMTP", smtpPort, "--smtp-port");
    }
    if (imapPort != 0) {
      Ports.requireFree("IMAP", imapPort, "--imap-port");
    }
    try {
      Files.createDirectories(dir.resolve(ENVELOPE_DIR));
      ServerSetup smtp = new ServerSetup(smtpPort, Ports.HOST, ServerSetup.PROTOCOL_SMTP);
      ServerSetup imap = new ServerSetup(imapPort, Ports.HOST, ServerSetup.PROTOCOL_IMAP);
      if (smtpPort == 0) {
        smtp = smtp.dynamicPort();
      }
      if (imapPort == 0) {
        imap = imap.dynamicPort();
      }
      GreenMail mail = new GreenMail(new ServerSetup[] {smtp, imap});
      mail.withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication());
      greenMail = mail;
      mail.start();
      UserManager users = mail.getUserManager();
      restore(users);
      users.setMessageDeliveryHandler(new KeepingHandler(users.getMessageDeliveryHandler()));
      smtpPort = mail.getSmtp().getPort();
      imapPort = mail.getImap().getPort();
    } catch (StackException e) {
      stop();
      throw e;
    } catch (IOException e) {
      stop();
      throw new StackException("Cannot use the mail directory " + dir + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      stop();
      throw new StackException("SMTP server failed to start: " + e.getMessage(), e);
    }
  }

  synchronized void stop() {
    if (greenMail != null) {
      try {
        greenMail.stop();
      } finally {
        greenMail = null;
      }
    }
  }

  /** Every message in every mailbox (one per recipient), oldest first. */
  synchronized List<MimeMessage> receivedMessages() {
    if (greenMail == null) {
      return List.of();
    }
    return List.of(greenMail.getReceivedMessages());
  }

  /** Re-delivers the kept {@code .eml} files so mailboxes look as they did before a stop. */
  private void restore(UserManager users) throws IOException {
    List<Path> files;
    try (Stream<Path> listing = Files.list(dir)) {
      files = listing.filter(p -> p.getFileName().toString().endsWith(".eml")).sorted().toList();
    }
    Session session = Session.getInstance(new Properties());
    for (Path file : files) {
      try (InputStream in = Files.newInputStream(file)) {
        MimeMessage message = new MimeMessage(session, in);
        for (String recipient : recipientsOf(file, message)) {
          GreenMailUser user = users.getUserByEmail(recipient);
          if (user == null) {
            user = users.createUser(recipient, recipient, recipient);
          }
          user.deliver(message);
        }
      } catch (MessagingException | UserException | RuntimeException e) {
        log.warn("Skipping kept mail {}: {}", file, e.toString());
      }
    }
    sequence.set(files.size());
    if (!files.isEmpty()) {
      log.info("Restored {} kept messages from {}", files.size(), dir);
    }
  }

  private Set<String> recipientsOf(Path eml, MimeMessage message) throws MessagingException,
      IOException {
    Path rcpt = envelopeFile(eml.getFileName().toString());
    Set<String> recipients = new LinkedHashSet<>();
    if (Files.exists(rcpt)) {
      for (String line : Files.readAllLines(rcpt, StandardCharsets.UTF_8)) {
        if (!line.isBlank()) {
          recipients.add(line.trim());
        }
      }
    } else {
      // An .eml dropped in by hand: its To/Cc headers are the best guess.
      for (Message.RecipientType type : List.of(Message.RecipientType.TO, Message.RecipientType.CC)) {
        Address[] addresses = message.getRecipients(type);
        for (Address a : addresses == null ? new Address[0] : addresses) {
          if (a instanceof InternetAddress ia) {
            recipients.add(ia.getAddress());
          }
        }
      }
    }
    return recipients;
  }

  private Path envelopeFile(String emlName) {
    return dir.resolve(ENVELOPE_DIR)
        .resolve(emlName.substring(0, emlName.length() - ".eml".length()) + ".rcpt");
  }

  /**
   * Writes each SMTP message to disk once (the handler runs once per recipient), then lets
   * GreenMail's own handler pick the mailbox. Writes go to a temporary name first, so a reader
   * never sees half a file.
   */
  private final class KeepingHandler implements MessageDeliveryHandler {
    private final MessageDeliveryHandler delegate;
    private final Map<MovingMessage, Boolean> written =
        Collections.synchronizedMap(new WeakHashMap<>());

    KeepingHandler(MessageDeliveryHandler delegate) {
      this.delegate = delegate;
    }

    @Override
    public GreenMailUser handle(MovingMessage msg, MailAddress address)
        throws MessagingException, UserException {
      if (written.putIfAbsent(msg, Boolean.TRUE) == null) {
        keep(msg);
      }
      return delegate.handle(msg, address);
    }

    private void keep(MovingMessage msg) throws MessagingException {
      String name = FILE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC)) + "-"
          + sequence.incrementAndGet() + ".eml";
      Path target = dir.resolve(name);
      Path temp = dir.resolve("." + name + ".tmp");
      try {
        List<String> rcpt = new ArrayList<>();
        for (MailAddress a : msg.getToAddresses()) {
          rcpt.add(a.getEmail());
        }
        Files.write(envelopeFile(name), rcpt, StandardCharsets.UTF_8);
        try (OutputStream out = Files.newOutputStream(temp)) {
          msg.getMessage().writeTo(out);
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        log.debug("Kept mail for {} as {}", Arrays.toString(rcpt.toArray()), target);
      } catch (IOException e) {
        // Losing the file must not lose the mail: log loudly and still deliver it.
        log.error("Cannot write received mail to {}: {}", target, e.toString());
      } catch (UncheckedIOException e) {
        log.error("Cannot write received mail to {}: {}", target, e.toString());
      }
    }
  }
}
