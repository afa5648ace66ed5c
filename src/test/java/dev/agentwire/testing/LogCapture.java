package dev.agentwire.testing;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The records one class logs while a test runs (those {@code keep} accepts), for assertions on what
 * an operator would see. Close it to detach.
 */
public final class LogCapture implements AutoCloseable {

  private final Logger logger;
  private final BlockingQueue<LogRecord> records = new LinkedBlockingQueue<>();
  private final Handler handler;

  private LogCapture(Logger logger, Predicate<LogRecord> keep) {
    this.logger = logger;
    this.handler =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            if (keep.test(record)) {
              records.add(record);
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    logger.addHandler(handler);
  }

  /** Everything the class's logger logs. */
  public static LogCapture of(Class<?> logging) {
    return of(logging, record -> true);
  }

  /** What the class's logger logs that {@code keep} accepts. */
  public static LogCapture of(Class<?> logging, Predicate<LogRecord> keep) {
    return new LogCapture(Logger.getLogger(logging.getName()), keep);
  }

  /** The next record, waiting up to {@code seconds}; null when none came. */
  public LogRecord next(long seconds) throws InterruptedException {
    return records.poll(seconds, TimeUnit.SECONDS);
  }

  /** The records so far, not taken by {@link #next}. */
  public List<LogRecord> all() {
    return List.copyOf(records);
  }

  @Override
  public void close() {
    logger.removeHandler(handler);
  }
}
