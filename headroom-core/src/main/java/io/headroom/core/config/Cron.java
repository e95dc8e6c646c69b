package io.headroom.core.config;

import java.text.ParseException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TimeZone;
import java.util.TreeSet;
import org.quartz.CronExpression;

/**
 * Turns a 5-field Unix cron expression ({@code minute hour day-of-month month day-of-week}, as AWS's scheduled
 * actions use) into a Quartz {@link CronExpression}.
 *
 * <p>Conversions: a seconds field "0" is prepended; day-of-week numbers 0-7 (0 and 7 = Sunday) become Quartz's
 * 1-7 (1 = Sunday); names such as MON-FRI pass through; Quartz needs '?' in day-of-month or day-of-week, so when
 * one of them is '*' it becomes '?'. Both restricted at once (cron's "either matches") is not supported.
 */
public final class Cron {
    private Cron() {}

    /**
     * Parses {@code fiveField} for {@code zone}.
     *
     * @throws IllegalArgumentException with a message naming what is wrong
     */
    public static CronExpression parse(String fiveField, ZoneId zone) {
        if (fiveField == null || fiveField.isBlank()) {
            throw new IllegalArgumentException("empty cron expression (expected: minute hour day-of-month month day-of-week)");
        }
        String[] f = fiveField.trim().split("\\s+");
        if (f.length != 5) {
            throw new IllegalArgumentException("\"" + fiveField + "\" has " + f.length
                    + " fields (expected: 5, minute hour day-of-month month day-of-week)");
        }
        String dom = f[2];
        String month = f[3].toUpperCase(Locale.ROOT);
        String dow = dayOfWeek(fiveField, f[4].toUpperCase(Locale.ROOT));
        if (dow.equals("*") || dow.equals("?")) {
            dow = "?";
            if (dom.equals("?")) {
                dom = "*";
            }
        } else if (dom.equals("*") || dom.equals("?")) {
            dom = "?";
        } else {
            throw new IllegalArgumentException("\"" + fiveField
                    + "\" restricts both day-of-month and day-of-week (expected: * in one of them)");
        }
        String quartz = "0 " + f[0] + " " + f[1] + " " + dom + " " + month + " " + dow;
        try {
            CronExpression expression = new CronExpression(quartz);
            expression.setTimeZone(TimeZone.getTimeZone(zone));
            return expression;
        } catch (ParseException e) {
            throw new IllegalArgumentException("\"" + fiveField + "\" is not a valid cron expression (" + e.getMessage() + ")");
        }
    }

    /** Maps cron day-of-week numbers (0-7, Sunday = 0 or 7) to Quartz's (1-7, Sunday = 1). */
    private static String dayOfWeek(String whole, String field) {
        if (field.equals("*") || field.equals("?")) {
            return field;
        }
        List<String> out = new ArrayList<>();
        for (String item : field.split(",", -1)) {
            if (item.isEmpty()) {
                throw bad(whole, "empty day-of-week list item");
            }
            if (item.chars().anyMatch(Character::isLetter) && !item.matches("\\d+L")) {
                out.add(item); // names (MON-FRI), Quartz's L and # forms with names
                continue;
            }
            if (item.matches("\\d+L")) {
                out.add(quartzDay(whole, Integer.parseInt(item.substring(0, item.length() - 1))) + "L");
                continue;
            }
            if (item.matches("\\d+#\\d+")) {
                int hash = item.indexOf('#');
                out.add(quartzDay(whole, Integer.parseInt(item.substring(0, hash))) + item.substring(hash));
                continue;
            }
            // Numbers, ranges and steps: expand to the days meant, then write them in Quartz's numbering.
            String base = item;
            int step = 1;
            int slash = item.indexOf('/');
            if (slash >= 0) {
                base = item.substring(0, slash);
                try {
                    step = Integer.parseInt(item.substring(slash + 1));
                } catch (NumberFormatException e) {
                    throw bad(whole, "bad day-of-week step \"" + item + "\"");
                }
                if (step < 1) {
                    throw bad(whole, "bad day-of-week step \"" + item + "\"");
                }
            }
            int from;
            int to;
            try {
                if (base.equals("*")) {
                    from = 0;
                    to = 6;
                } else if (base.contains("-")) {
                    String[] r = base.split("-", -1);
                    if (r.length != 2) {
                        throw bad(whole, "bad day-of-week range \"" + item + "\"");
                    }
                    from = Integer.parseInt(r[0]);
                    to = Integer.parseInt(r[1]);
                } else {
                    from = Integer.parseInt(base);
                    to = slash >= 0 ? 7 : from;
                }
            } catch (NumberFormatException e) {
                throw bad(whole, "bad day-of-week \"" + item + "\" (expected: 0-7 or SUN-SAT)");
            }
            if (from < 0 || to > 7 || from > to) {
                throw bad(whole, "bad day-of-week \"" + item + "\" (expected: 0-7 or SUN-SAT)");
            }
            TreeSet<Integer> days = new TreeSet<>();
            for (int d = from; d <= to; d += step) {
                days.add(quartzDay(whole, d));
            }
            days.forEach(d -> out.add(Integer.toString(d)));
        }
        return String.join(",", out);
    }

    private static int quartzDay(String whole, int cronDay) {
        if (cronDay < 0 || cronDay > 7) {
            throw bad(whole, "day-of-week " + cronDay + " (expected: 0-7 or SUN-SAT)");
        }
        return cronDay % 7 + 1;
    }

    private static IllegalArgumentException bad(String whole, String what) {
        return new IllegalArgumentException("\"" + whole + "\": " + what);
    }
}
