package io.conduitscale.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time used by named groups of processes, from {@code /proc/PID/stat} (utime + stime, in clock ticks of
 * 1/100 s). A group is one or more root PIDs with all their descendants: a PostgreSQL server is its
 * postmaster and every backend, walsender and walreceiver. The children that exited are included through
 * the root's cutime + cstime (their time moves there when the root reaps them), so a backend that ends
 * between two samples is not lost.
 */
final class ProcessCpu {

    /** USER_HZ of Linux on every common architecture (sysconf(_SC_CLK_TCK)). */
    static final double TICKS_PER_SECOND = 100;

    private final Map<String, List<Long>> groups;

    ProcessCpu(Map<String, List<Long>> groups) {
        this.groups = new LinkedHashMap<>(groups);
    }

    Map<String, List<Long>> groups() {
        return groups;
    }

    /** CPU seconds used so far by each group (0 for a group whose processes are gone). */
    Map<String, Double> sample() {
        Map<Long, Stat> all = readAll();
        Map<Long, List<Long>> children = new HashMap<>();
        all.values().forEach(s -> children.computeIfAbsent(s.ppid(), p -> new ArrayList<>()).add(s.pid()));
        Map<String, Double> seconds = new LinkedHashMap<>();
        groups.forEach((name, roots) -> {
            long ticks = 0;
            for (long root : roots) {
                Stat stat = all.get(root);
                if (stat == null) {
                    continue;
                }
                ticks += stat.childTicks();
                ticks += treeTicks(root, all, children);
            }
            seconds.put(name, ticks / TICKS_PER_SECOND);
        });
        return seconds;
    }

    private static long treeTicks(long pid, Map<Long, Stat> all, Map<Long, List<Long>> children) {
        Stat stat = all.get(pid);
        long ticks = stat == null ? 0 : stat.ownTicks();
        for (long child : children.getOrDefault(pid, List.of())) {
            ticks += treeTicks(child, all, children);
        }
        return ticks;
    }

    record Stat(long pid, long ppid, long utime, long stime, long cutime, long cstime) {

        long ownTicks() {
            return utime + stime;
        }

        long childTicks() {
            return cutime + cstime;
        }

        /** Parses a /proc/PID/stat line; the command name in parentheses may itself hold spaces or ')'. */
        static Stat parse(String line) {
            int close = line.lastIndexOf(')');
            long pid = Long.parseLong(line.substring(0, line.indexOf(' ')).trim());
            String[] f = line.substring(close + 2).trim().split("\\s+");
            // f[0] is field 3 (state): field n is f[n - 3]
            return new Stat(pid, Long.parseLong(f[1]), Long.parseLong(f[11]), Long.parseLong(f[12]),
                    Long.parseLong(f[13]), Long.parseLong(f[14]));
        }
    }

    private static Map<Long, Stat> readAll() {
        Map<Long, Stat> all = new HashMap<>();
        try (var entries = Files.list(Path.of("/proc"))) {
            entries.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(dir -> {
                try {
                    Stat stat = Stat.parse(Files.readString(dir.resolve("stat")));
                    all.put(stat.pid(), stat);
                } catch (IOException | RuntimeException e) {
                    // the process ended while we looked
                }
            });
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc", e);
        }
        return all;
    }

    /** The 1-minute load average, from /proc/loadavg. */
    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException e) {
            return Double.NaN;
        }
    }
}
