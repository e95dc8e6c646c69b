package io.headroom.scaling.provider;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Reads Linux {@code /proc}. Everything here returns empty results where there is no {@code /proc}. */
final class ProcFs {
    private static final Path PROC = Path.of("/proc");

    static final boolean AVAILABLE = Files.isReadable(PROC.resolve("self/stat"));
    static final long CLOCK_TICKS_PER_SECOND = getconf("CLK_TCK", 100);
    static final long PAGE_SIZE = getconf("PAGESIZE", 4096);

    private ProcFs() {
    }

    /**
     * One line of {@code /proc/<pid>/stat}.
     *
     * @param cpuTicks utime + stime + cutime + cstime: the process's CPU time plus that of its reaped children,
     *                 so work done by short-lived children is not lost when they exit
     */
    record Stat(long pid, char state, long ppid, long pgrp, long cpuTicks, long rssPages) {
        boolean isZombie() {
            return state == 'Z' || state == 'X';
        }
    }

    static Optional<Stat> stat(long pid) {
        if (!AVAILABLE) {
            return Optional.empty();
        }
        try {
            return Optional.of(parse(Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"))));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // gone meanwhile, or unreadable
        }
    }

    /** What a process has read and written: {@code rchar} and {@code wchar} of {@code /proc/PID/io}. */
    record Io(long readBytes, long writtenBytes) {}

    /** The bytes process {@code pid} has read and written, or null when it is gone or the file cannot be read. */
    static Io io(long pid) {
        if (!AVAILABLE) {
            return null;
        }
        try {
            long read = -1;
            long written = -1;
            for (String line : Files.readAllLines(PROC.resolve(Long.toString(pid)).resolve("io"))) {
                if (line.startsWith("rchar:")) {
                    read = Long.parseLong(line.substring("rchar:".length()).trim());
                } else if (line.startsWith("wchar:")) {
                    written = Long.parseLong(line.substring("wchar:".length()).trim());
                }
            }
            return read >= 0 && written >= 0 ? new Io(read, written) : null;
        } catch (IOException | RuntimeException e) {
            return null; // gone meanwhile, or not ours to read
        }
    }

    /** Every live process; processes that vanish while scanning are skipped. */
    static List<Stat> all() {
        List<Stat> out = new ArrayList<>();
        if (!AVAILABLE) {
            return out;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC)) {
            for (Path dir : dirs) {
                String name = dir.getFileName().toString();
                if (name.isEmpty() || !Character.isDigit(name.charAt(0))) {
                    continue;
                }
                try {
                    out.add(parse(Files.readString(dir.resolve("stat"))));
                } catch (IOException | RuntimeException e) {
                    // exited while we looked
                }
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    /**
     * The instance's processes: members of the process group {@code root} (children whose parent died are
     * reparented but stay in the group) plus all descendants of {@code root} (even ones that moved to another
     * group). Zombies are left out.
     */
    static List<Stat> tree(List<Stat> all, long root) {
        Map<Long, List<Stat>> children = new HashMap<>();
        Map<Long, Stat> byPid = new HashMap<>();
        for (Stat s : all) {
            children.computeIfAbsent(s.ppid(), k -> new ArrayList<>()).add(s);
            byPid.put(s.pid(), s);
        }
        Set<Long> seen = new HashSet<>();
        List<Stat> out = new ArrayList<>();
        ArrayDeque<Stat> todo = new ArrayDeque<>();
        Stat rootStat = byPid.get(root);
        if (rootStat != null) {
            todo.add(rootStat);
        }
        for (Stat s : all) {
            if (s.pgrp() == root) {
                todo.add(s);
            }
        }
        while (!todo.isEmpty()) {
            Stat s = todo.poll();
            if (!seen.add(s.pid())) {
                continue;
            }
            if (!s.isZombie()) {
                out.add(s);
            }
            todo.addAll(children.getOrDefault(s.pid(), List.of()));
        }
        return out;
    }

    static List<Stat> tree(long root) {
        return tree(all(), root);
    }

    static Stat parse(String line) {
        // "pid (comm) state ppid pgrp ..." where comm may contain spaces and parentheses
        int close = line.lastIndexOf(')');
        long pid = Long.parseLong(line.substring(0, line.indexOf(' ')).trim());
        String[] f = line.substring(close + 2).trim().split(" ");
        // f[0] is field 3 (state) of proc(5), so field n is f[n - 3]
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
        return new Stat(pid, f[0].charAt(0), Long.parseLong(f[1]), Long.parseLong(f[2]), ticks, Long.parseLong(f[21]));
    }

    private static long getconf(String name, long fallback) {
        if (!AVAILABLE) {
            return fallback;
        }
        try {
            Process p = new ProcessBuilder("getconf", name).redirectErrorStream(true).start();
            try (InputStream in = p.getInputStream()) {
                String out = new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
                if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    long v = Long.parseLong(out);
                    return v > 0 ? v : fallback;
                }
            } finally {
                p.destroy();
            }
        } catch (IOException | NumberFormatException e) {
            return fallback;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return fallback;
    }
}
