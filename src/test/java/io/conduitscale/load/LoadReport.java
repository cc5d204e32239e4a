package io.conduitscale.load;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns {@link LoadDriver}'s TSV rows into a Markdown table (one row per configuration and offered rate) and
 * an SVG chart of p99 latency and achieved rate against the offered rate, one line per configuration.
 *
 * <pre>java ... io.conduitscale.load.LoadReport results.tsv report.md chart.svg</pre>
 */
public final class LoadReport {

    public static void main(String[] args) throws Exception {
        List<Map<String, String>> rows = read(Files.readAllLines(Path.of(args[0])));
        Files.writeString(Path.of(args[1]), markdown(rows));
        if (args.length > 2) {
            Files.writeString(Path.of(args[2]), svg(rows));
        }
        System.out.print(markdown(rows));
    }

    static List<Map<String, String>> read(List<String> lines) {
        return read(lines, LoadDriver.HEADER);
    }

    /** TSV rows whose columns are named by {@code header} (tab-separated, first column {@code config}). */
    static List<Map<String, String>> read(List<String> lines, String header) {
        String[] columns = header.split("\t");
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : lines) {
            if (line.isBlank() || line.startsWith("config\t")) {
                continue;
            }
            String[] fields = line.split("\t", -1);
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < columns.length && i < fields.length; i++) {
                row.put(columns[i], fields[i]);
            }
            rows.add(row);
        }
        return rows;
    }

    static String markdown(List<Map<String, String>> rows) {
        StringBuilder md = new StringBuilder();
        md.append("| config | offered rps | achieved rps | p50 ms | p95 ms | p99 ms | errors | cache hit ratio "
                + "| primary stmt/s | replica stmt/s | CPU ms per request, by process | load avg |\n");
        md.append("|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---|---:|\n");
        for (Map<String, String> r : rows) {
            md.append("| ").append(String.join(" | ", r.get("config"), r.get("offered_rps"), r.get("achieved_rps"),
                    r.get("p50_ms"), r.get("p95_ms"), r.get("p99_ms"), r.get("errors").replace(",", ", "),
                    r.get("cache_hit_ratio"), r.get("primary_qps"), r.get("replica_qps"),
                    r.get("cpu_ms_per_request").replace(";", ", "), r.get("load_avg"))).append(" |\n");
        }
        return md.toString();
    }

    private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd"};

    /** Two panels side by side: achieved vs offered rate (with the ideal diagonal), and p99 vs offered rate. */
    static String svg(List<Map<String, String>> rows) {
        Map<String, List<double[]>> byConfig = new LinkedHashMap<>();
        double maxRate = 1, maxP99 = 1;
        for (Map<String, String> r : rows) {
            double offered = num(r.get("offered_rps")), achieved = num(r.get("achieved_rps")), p99 = num(r.get("p99_ms"));
            byConfig.computeIfAbsent(r.get("config"), c -> new ArrayList<>()).add(new double[] {offered, achieved, p99});
            maxRate = Math.max(maxRate, Math.max(offered, achieved));
            maxP99 = Math.max(maxP99, p99);
        }
        int w = 420, h = 300, pad = 50;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"11\">\n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
                2 * w, h + 40));
        for (int panel = 0; panel < 2; panel++) {
            int x0 = panel * w + pad, y0 = h - pad + 20, pw = w - 2 * pad + 20, ph = h - 2 * pad;
            double yMax = panel == 0 ? maxRate : maxP99;
            String title = panel == 0 ? "achieved rps vs offered rps" : "p99 latency (ms, log scale) vs offered rps";
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\">%s</text>\n", x0, title));
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>\n", x0, y0, x0 + pw, y0));
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>\n", x0, y0, x0, y0 - ph));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.0f</text>\n", x0 + pw, y0 + 14, maxRate));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">0</text>\n", x0, y0 + 14));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.0f</text>\n", x0 - 4, y0 - ph + 4, yMax));
            if (panel == 0) {
                s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#aaa\" "
                        + "stroke-dasharray=\"4\"/>\n", x0, y0, x0 + pw, y0 - ph));
            }
            int c = 0;
            for (Map.Entry<String, List<double[]>> config : byConfig.entrySet()) {
                String colour = COLOURS[c % COLOURS.length];
                StringBuilder points = new StringBuilder();
                for (double[] p : config.getValue()) {
                    double x = x0 + pw * p[0] / maxRate;
                    double y = panel == 0 ? y0 - ph * p[1] / maxRate
                            : y0 - ph * Math.log1p(p[2]) / Math.log1p(maxP99);
                    points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
                    s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>\n", x, y, colour));
                }
                s.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>\n",
                        points.toString().trim(), colour));
                if (panel == 0) {
                    s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"%s\">%s</text>\n", x0 + 8,
                            y0 - ph + 14 * (c + 1), colour, escape(config.getKey())));
                }
                c++;
            }
        }
        return s.append("</svg>\n").toString();
    }

    private static double num(String value) {
        try {
            return Double.parseDouble(value);
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;");
    }
}
