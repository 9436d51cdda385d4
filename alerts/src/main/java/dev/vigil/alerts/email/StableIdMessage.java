package dev.vigil.alerts.email;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.InputStream;

/**
 * A MimeMessage whose Message-ID never changes: Jakarta Mail regenerates it on every
 * {@code saveChanges()}, which would make a retried alert look like a new message.
 */
final class StableIdMessage extends MimeMessage {
  private final String messageId; // null: keep the one parsed from the stored .eml

  StableIdMessage(Session session, String messageId) {
    super(session);
    this.messageId = messageId;
  }

  StableIdMessage(Session session, InputStream eml) throws MessagingException {
    super(session, eml);
    this.messageId = null;
  }

  @Override
  protected void updateMessageID() throws MessagingException {
    if (messageId != null) {
      setHeader("Message-ID", messageId);
    } else if (getHeader("Message-ID") == null) {
      super.updateMessageID();
    }
  }
}
