package dev.vigil.alerts;

import dev.vigil.stack.EmbeddedStack;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The embedded stack's real SMTP + IMAP server (GreenMail) for alert tests: stoppable and
 * restartable on the same ports, and it keeps what it received across a restart.
 */
public final class MailServer implements AutoCloseable {
  public static final String USER = "ops@example.com";
  private final Path dataDir;
  private final EmbeddedStack stack;

  public MailServer() throws IOException {
    dataDir = Files.createTempDirectory("vigil-alerts-mail");
    stack = EmbeddedStack.builder().dataDir(dataDir).kafka(false).s3(false).smtp(true).postgres(false).build();
    stack.start();
  }

  public void start() {
    stack.startSmtp();
  }

  public void stop() {
    stack.stopSmtp();
  }

  public int smtpPort() {
    return stack.smtpPort();
  }

  /** Messages received so far, one per recipient mailbox. */
  public MimeMessage[] received() {
    return stack.receivedMessages().toArray(new MimeMessage[0]);
  }

  /** Reads {@link #USER}'s inbox over IMAP and returns fully loaded local copies. */
  public List<MimeMessage> imapInbox() throws Exception {
    Properties props = new Properties();
    props.setProperty("mail.imap.connectiontimeout", "10000");
    props.setProperty("mail.imap.timeout", "10000");
    Session session = Session.getInstance(props);
    List<MimeMessage> out = new ArrayList<>();
    try (Store store = session.getStore("imap")) {
      store.connect(stack.smtpHost(), stack.imapPort(), USER, "any");
      Folder inbox = store.getFolder("INBOX");
      inbox.open(Folder.READ_ONLY);
      try {
        for (Message m : inbox.getMessages()) {
          out.add(new MimeMessage((MimeMessage) m)); // copies the whole message off the server
        }
      } finally {
        inbox.close(false);
      }
    }
    return out;
  }

  @Override
  public void close() {
    stack.close();
    Fixtures.deleteRecursively(dataDir);
  }
}
