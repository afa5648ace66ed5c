import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

/**
 * Reads a JFR recording and prints where the CPU samples are: the methods with the most samples on
 * top of the stack (self), and the methods with the most samples anywhere on the stack (inclusive,
 * each method counted once per sample). JDK only.
 *
 * <p>Run: java Hotspots.java recording.jfr [rows] [focus]; with a focus (part of a method name), only
 * the samples with that method on the stack are counted, and only the frames above it.
 */
public class Hotspots {

  public static void main(String[] args) throws Exception {
    int rows = args.length > 1 ? Integer.parseInt(args[1]) : 40;
    String focus = args.length > 2 ? args[2] : null;
    Map<String, Integer> self = new HashMap<>();
    Map<String, Integer> inclusive = new HashMap<>();
    Map<String, Integer> threads = new HashMap<>();
    int samples = 0;
    for (RecordedEvent event : RecordingFile.readAllEvents(Path.of(args[0]))) {
      if (!event.getEventType().getName().equals("jdk.ExecutionSample") || event.getStackTrace() == null) {
        continue;
      }
      List<RecordedFrame> frames = event.getStackTrace().getFrames();
      if (focus != null) {
        int at = 0;
        while (at < frames.size() && !name(frames.get(at)).contains(focus)) {
          at++;
        }
        if (at == frames.size()) {
          continue;
        }
        frames = frames.subList(0, at + 1);
      }
      samples++;
      if (!frames.isEmpty()) {
        self.merge(name(frames.get(0)), 1, Integer::sum);
      }
      Set<String> seen = new HashSet<>();
      for (RecordedFrame frame : frames) {
        String name = name(frame);
        if (seen.add(name)) {
          inclusive.merge(name, 1, Integer::sum);
        }
      }
      String thread = event.getThread("sampledThread") == null ? "?" : event.getThread("sampledThread").getJavaName();
      threads.merge(thread == null ? "?" : thread.replaceAll("[-#]?\\d+", "#"), 1, Integer::sum);
    }
    System.out.printf("%d CPU samples%n", samples);
    print("threads", threads, samples, rows);
    print("self (top of stack)", self, samples, rows);
    print("inclusive (anywhere on the stack)", inclusive, samples, rows * 2);
  }

  static String name(RecordedFrame frame) {
    return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
  }

  static void print(String title, Map<String, Integer> counts, int samples, int rows) {
    System.out.printf("%n== %s ==%n", title);
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .limit(rows)
        .forEach(e -> System.out.printf("%5.1f%%  %s%n", 100.0 * e.getValue() / samples, e.getKey()));
  }
}
