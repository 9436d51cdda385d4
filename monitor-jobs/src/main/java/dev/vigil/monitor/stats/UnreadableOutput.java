package dev.vigil.monitor.stats;

/**
 * One reason why outputs of a window could not be read, with how often and one example.
 *
 * @param reason the stable reason ({@code OutputParseException.reason()}), e.g. "label not in
 *     the labels file"
 * @param count records that failed for this reason
 * @param detail the whole message of the example record's failure
 * @param exampleEventId the example record's eventId (the smallest of the reason's records, so
 *     the same window gives the same example from S3 and from Kafka)
 * @param exampleBody the example's response body, abbreviated, with its content type
 */
public record UnreadableOutput(String reason, long count, String detail, String exampleEventId, String exampleBody) {}
