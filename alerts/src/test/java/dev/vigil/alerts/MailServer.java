package dev.vigil.alerts;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * A real SMTP + IMAP server (GreenMail) on fixed loopback ports, which can be stopped and started
 * again on the same ports (outage tests). Messages do not survive a stop; tests read them first.
 */
public final class MailServer implements AutoCloseable {
  public static final String USER = "ops@example.com";
  public static final String PASSWORD = "secret";
  private final int smtpPort;
  private final int imapPort;
  private GreenMail greenMail;

  public MailServer() throws IOException {
    this.smtpPort = freePort();
    this.imapPort = freePort();
    start();
  }

  public synchronized void start() {
    greenMail = new GreenMail(new ServerSetup[] {
        new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP),
        new ServerSetup(imapPort, "127.0.0.1", ServerSetup.PROTOCOL_IMAP)});
    greenMail.start();
    greenMail.setUser(USER, USER, PASSWORD);
  }

  public synchronized void stop() {
    greenMail.stop();
  }

  public int smtpPort() {
    return smtpPort;
  }

  /** Messages received since the last start, as the server stored them. */
  public synchronized MimeMessage[] received() {
    return greenMail.getReceivedMessages();
  }

  public synchronized void purge() throws Exception {
    greenMail.purgeEmailFromAllMailboxes();
  }

  /** Reads {@link #USER}'s inbox over IMAP and returns fully loaded local copies. */
  public List<MimeMessage> imapInbox() throws Exception {
    Properties props = new Properties();
    props.setProperty("mail.imap.connectiontimeout", "10000");
    props.setProperty("mail.imap.timeout", "10000");
    Session session = Session.getInstance(props);
    List<MimeMessage> out = new ArrayList<>();
    try (Store store = session.getStore("imap")) {
      store.connect("127.0.0.1", imapPort, USER, PASSWORD);
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
  public synchronized void close() {
    greenMail.stop();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }
}
