// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench-report: turn the raw figures of the "bench" VM scenario
 * (tests/vm/scenarios/bench.sh) into bench.json, bench.md and bench.svg.
 *
 * Input, one directory of JSON files:
 *  - vfio-client bench output ({"kind": "pci"|"mdev", "metrics": {NAME:
 *    {"rounds": [...]}}}), one file per path and round;
 *  - series ({"metric", "path", "unit", "values": [...]}, or "missing":
 *    REASON instead of "values"); path "pci" or "mdev" pairs a series with
 *    its twin, any other path ("boot", "tool") is an absolute figure;
 *  - env.json: free-form facts about the run, copied to bench.json.
 *
 * Every value is a per-round (or per-sample) figure; the report gives
 * medians, min/max and quartiles, and for paired metrics the ratio of the
 * medians, mdev path ÷ vfio-pci. A target is a bound on the slowdown, so
 * a faster mdev path never misses it. Malformed input is an error (exit
 * 1); a figure that is missing is reported as missing, with its reason.
 */
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#define REPORT_ERROR (report_error_quark())
G_DEFINE_QUARK(bench-report-error-quark, report_error)

typedef enum {
	REPORT_ERROR_INVALID,	/* malformed input */
	REPORT_ERROR_FAILED,	/* an output could not be made */
} ReportError;

/* The paired metrics of the issue, in its order; others follow by name. */
typedef struct {
	const char *name;
	const char *label;
	const char *unit;
	gboolean higher_is_better;
	double target;
} KnownMetric;

static const KnownMetric known_metrics[] = {
	{ "config_read_ops_per_s", "1. config read (VFIO region)", "ops/s", TRUE, 1.02 },
	{ "bar0_read_ops_per_s", "2. BAR0 register read (mmap)", "ops/s", TRUE, 1.02 },
	{ "msi_round_trip_us", "3. MSI raise to eventfd wake", "µs", FALSE, 1.02 },
	{ "dma_round_trip_us", "4. DMA round trip RAM→dev→RAM", "µs", FALSE, 1.02 },
	{ "open_close_ms", "5. device open+close", "ms", FALSE, 1.10 },
	{ "make_ready_ms", "6. make-ready (no driver→VFIO)", "ms", FALSE, 1.10 },
	{ "virsh_start_paused_ms", "8. virsh start --paused", "ms", FALSE, 1.10 },
};

typedef struct {
	GArray *values;		/* double */
	char *missing;		/* why there are no values, or NULL */
} Series;

typedef struct {
	char *name;
	char *path;		/* "pci", "mdev" (paired) or another word */
	char *unit;
	Series *series;
} Entry;

static Series *series_new(void)
{
	Series *s = g_new0(Series, 1);

	s->values = g_array_new(FALSE, FALSE, sizeof(double));
	return s;
}

static void series_free(Series *s)
{
	g_array_unref(s->values);
	g_free(s->missing);
	g_free(s);
}

static void entry_free(Entry *e)
{
	g_free(e->name);
	g_free(e->path);
	g_free(e->unit);
	series_free(e->series);
	g_free(e);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Entry, entry_free)

typedef struct {
	GPtrArray *entries;	/* Entry */
	JsonNode *env;		/* env.json, or NULL */
} Input;

static void input_free(Input *in)
{
	g_ptr_array_unref(in->entries);
	if (in->env)
		json_node_unref(in->env);
	g_free(in);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Input, input_free)

static const KnownMetric *known_metric(const char *name)
{
	for (guint i = 0; i < G_N_ELEMENTS(known_metrics); i++) {
		if (g_str_equal(known_metrics[i].name, name))
			return &known_metrics[i];
	}
	return NULL;
}

/* The unit a vfio-client metric is in, from its name's suffix. */
static const char *client_unit(const char *name)
{
	const KnownMetric *k = known_metric(name);

	if (k)
		return k->unit;
	if (g_str_has_suffix(name, "_ops_per_s"))
		return "ops/s";
	if (g_str_has_suffix(name, "_us"))
		return "µs";
	if (g_str_has_suffix(name, "_ms"))
		return "ms";
	return "";
}

static gboolean is_paired_path(const char *path)
{
	return g_str_equal(path, "pci") || g_str_equal(path, "mdev");
}

static gboolean is_word(const char *s)
{
	if (!*s)
		return FALSE;
	for (; *s; s++) {
		if (!g_ascii_isalnum(*s) && *s != '_' && *s != '-')
			return FALSE;
	}
	return TRUE;
}

static Entry *input_entry(Input *in, const char *name, const char *path,
			  const char *unit, GError **error)
{
	Entry *e;

	if (!is_word(name) || !is_word(path)) {
		g_set_error(error, REPORT_ERROR, REPORT_ERROR_INVALID,
			    "Metric '%s' or path '%s' is not a plain word.", name, path);
		return NULL;
	}
	for (guint i = 0; i < in->entries->len; i++) {
		e = g_ptr_array_index(in->entries, i);
		if (!g_str_equal(e->name, name) || !g_str_equal(e->path, path))
			continue;
		if (!g_str_equal(e->unit, unit)) {
			g_set_error(error, REPORT_ERROR, REPORT_ERROR_INVALID,
				    "Metric '%s' (%s) comes in '%s' and in '%s'.",
				    name, path, e->unit, unit);
			return NULL;
		}
		return e;
	}
	e = g_new0(Entry, 1);
	e->name = g_strdup(name);
	e->path = g_strdup(path);
	e->unit = g_strdup(unit);
	e->series = series_new();
	g_ptr_array_add(in->entries, e);
	return e;
}

static gboolean get_string(JsonObject *o, const char *member, const char **out,
			   GError **error)
{
	JsonNode *n = json_object_get_member(o, member);

	if (!n || !JSON_NODE_HOLDS_VALUE(n) ||
	    json_node_get_value_type(n) != G_TYPE_STRING) {
		g_set_error(error, REPORT_ERROR, REPORT_ERROR_INVALID,
			    "Member '%s' is missing or not a string.", member);
		return FALSE;
	}
	*out = json_node_get_string(n);
	return TRUE;
}

/* Appends the numbers of ARRAY (finite, not negative) to S. */
static gboolean add_values(Series *s, JsonNode *array, const char *what,
			   GError **error)
{
	JsonArray *a;

	if (!array || !JSON_NODE_HOLDS_ARRAY(array)) {
		g_set_error(error, REPORT_ERROR, REPORT_ERROR_INVALID,
			    "The values of '%s' are not an array.", what);
		return FALSE;
	}
	a = json_node_get_array(array);
	if (json_array_get_length(a) == 0) {
		g_set_error(error, REPORT_ERROR, REPORT_ERROR_INVALID,
			    "'%s' has no values.", what);
		return FALSE;
	}
	for (guint i = 0; i < json_array_get_length(a); i++) {
		JsonNode *n = json_array_get_element(a, i);
		GType t = JSON_NODE_HOLDS_VALUE(n) ? json_node_get_value_type(n) : G_TYPE_INVALID;
		double v;

		if (t != G_TYPE_INT64 && t != G_TYPE_DOUBLE) {
			g_set_error(error, REPORT_ERROR, REPORT_ERROR_INVALID,
				    "Value %u of '%s' is not a number.", i + 1, what);
			return FALSE;
		}
		v = json_node_get_double(n);
		if (!isfinite(v) || v < 0) {
			g_set_error(error, REPORT_ERROR, REPORT_ERROR_INVALID,
				    "Value %u of '%s' is out of range.", i + 1, what);
			return FALSE;
		}
		g_array_append_val(s->values, v);
	}
	return TRUE;
}

static gboolean load_client_metric(Input *in, const char *kind, const char *name,
				   JsonNode *m, GError **error)
{
	Entry *e;

	if (!JSON_NODE_HOLDS_OBJECT(m)) {
		g_set_error(error, REPORT_ERROR, REPORT_ERROR_INVALID,
			    "Metric '%s' is not an object.", name);
		return FALSE;
	}
	e = input_entry(in, name, kind, client_unit(name), error);
	return e && add_values(e->series,
			       json_object_get_member(json_node_get_object(m), "rounds"),
			       name, error);
}

static gboolean load_client(Input *in, JsonObject *o, GError **error)
{
	JsonNode *metrics = json_object_get_member(o, "metrics");
	g_autoptr(GList) names = NULL;
	const char *kind;

	if (!get_string(o, "kind", &kind, error))
		return FALSE;
	if (!is_paired_path(kind)) {
		g_set_error(error, REPORT_ERROR, REPORT_ERROR_INVALID,
			    "Unknown device kind '%s'.", kind);
		return FALSE;
	}
	if (!metrics || !JSON_NODE_HOLDS_OBJECT(metrics)) {
		g_set_error_literal(error, REPORT_ERROR, REPORT_ERROR_INVALID,
				    "Member 'metrics' is not an object.");
		return FALSE;
	}
	names = json_object_get_members(json_node_get_object(metrics));
	for (GList *l = names; l; l = l->next) {
		JsonNode *m = json_object_get_member(json_node_get_object(metrics), l->data);

		if (!load_client_metric(in, kind, l->data, m, error))
			return FALSE;
	}
	return TRUE;
}

static gboolean load_series(Input *in, JsonObject *o, GError **error)
{
	const char *metric, *path, *unit, *missing;
	Entry *e;

	if (!get_string(o, "metric", &metric, error) ||
	    !get_string(o, "path", &path, error) ||
	    !get_string(o, "unit", &unit, error))
		return FALSE;
	e = input_entry(in, metric, path, unit, error);
	if (!e)
		return FALSE;
	if (json_object_has_member(o, "missing")) {
		if (!get_string(o, "missing", &missing, error))
			return FALSE;
		g_free(e->series->missing);
		e->series->missing = g_strdup(*missing ? missing : "no reason given");
		return TRUE;
	}
	return add_values(e->series, json_object_get_member(o, "values"), metric, error);
}

static gboolean load_object(Input *in, const char *name, JsonNode *root,
			    GError **error)
{
	JsonObject *o;

	if (!root || !JSON_NODE_HOLDS_OBJECT(root)) {
		g_set_error_literal(error, REPORT_ERROR, REPORT_ERROR_INVALID,
				    "The top level is not an object.");
		return FALSE;
	}
	if (g_str_equal(name, "env.json")) {
		in->env = json_node_copy(root);
		return TRUE;
	}
	o = json_node_get_object(root);
	if (json_object_has_member(o, "metrics"))
		return load_client(in, o, error);
	if (json_object_has_member(o, "metric"))
		return load_series(in, o, error);
	g_set_error_literal(error, REPORT_ERROR, REPORT_ERROR_INVALID,
			    "Neither vfio-client output nor a series.");
	return FALSE;
}

static gboolean load_file(Input *in, const char *dir, const char *name, GError **error)
{
	g_autofree char *file = g_build_filename(dir, name, NULL);
	g_autoptr(JsonParser) parser = json_parser_new();

	if (!json_parser_load_from_file(parser, file, error) ||
	    !load_object(in, name, json_parser_get_root(parser), error)) {
		g_prefix_error(error, "%s: ", file);
		return FALSE;
	}
	return TRUE;
}

static gint compare_names(gconstpointer a, gconstpointer b)
{
	return g_strcmp0(*(const char * const *)a, *(const char * const *)b);
}

static Input *load_input(const char *dir, GError **error)
{
	g_autoptr(Input) in = g_new0(Input, 1);
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	g_autoptr(GDir) d = g_dir_open(dir, 0, error);
	const char *name;

	if (!d)
		return NULL;
	in->entries = g_ptr_array_new_with_free_func((GDestroyNotify)entry_free);
	while ((name = g_dir_read_name(d))) {
		if (g_str_has_suffix(name, ".json"))
			g_ptr_array_add(names, g_strdup(name));
	}
	/* Sorted, so that rounds keep their order (client-pci-r1, -r2, ...). */
	g_ptr_array_sort(names, compare_names);
	for (guint i = 0; i < names->len; i++) {
		if (!load_file(in, dir, g_ptr_array_index(names, i), error))
			return NULL;
	}
	if (in->entries->len == 0) {
		g_set_error(error, REPORT_ERROR, REPORT_ERROR_INVALID,
			    "No figures in '%s'.", dir);
		return NULL;
	}
	return g_steal_pointer(&in);
}

static Entry *find_entry(Input *in, const char *name, const char *path)
{
	for (guint i = 0; i < in->entries->len; i++) {
		Entry *e = g_ptr_array_index(in->entries, i);

		if (g_str_equal(e->name, name) && g_str_equal(e->path, path))
			return e;
	}
	return NULL;
}

/* Statistics of one series. */
typedef struct {
	guint n;
	double median, min, max, q1, q3;
} Stats;

static gint compare_doubles(gconstpointer a, gconstpointer b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Quantile P of sorted V (N > 0), linear between closest ranks. */
static double quantile(const double *v, guint n, double p)
{
	double pos = p * (n - 1);
	guint lo = (guint)floor(pos);

	if (lo + 1 >= n)
		return v[n - 1];
	return v[lo] + (pos - lo) * (v[lo + 1] - v[lo]);
}

static gboolean stats_of(const Series *s, Stats *st)
{
	g_autoptr(GArray) sorted = NULL;
	const double *v;

	if (s->missing || s->values->len == 0)
		return FALSE;
	sorted = g_array_copy(s->values);
	g_array_sort(sorted, compare_doubles);
	v = (const double *)(void *)sorted->data;
	st->n = sorted->len;
	st->min = v[0];
	st->max = v[st->n - 1];
	st->median = quantile(v, st->n, 0.5);
	st->q1 = quantile(v, st->n, 0.25);
	st->q3 = quantile(v, st->n, 0.75);
	return TRUE;
}

/* One paired metric: both paths, the ratio of medians, the verdict. */
typedef struct {
	const char *name;
	const char *label;
	const char *unit;
	gboolean higher_is_better;
	double target;		/* 0: none */
	Entry *pci, *mdev;
	Stats pci_st, mdev_st;
	char *missing;		/* NULL if both paths have values */
	double ratio;
	gboolean within;
} Pair;

static void pair_free(Pair *p)
{
	g_free(p->missing);
	g_free(p);
}

static char *why_missing(const char *path, Entry *e)
{
	if (!e)
		return g_strdup_printf("no %s figures", path);
	if (e->series->missing)
		return g_strdup_printf("%s: %s", path, e->series->missing);
	return NULL;
}

static Pair *pair_new(Input *in, const char *name, const KnownMetric *k)
{
	Pair *p = g_new0(Pair, 1);
	g_autofree char *why_pci = NULL;
	g_autofree char *why_mdev = NULL;

	p->name = name;
	p->pci = find_entry(in, name, "pci");
	p->mdev = find_entry(in, name, "mdev");
	p->label = k ? k->label : name;
	p->unit = k ? k->unit : (p->pci ? p->pci->unit : p->mdev->unit);
	p->higher_is_better = k ? k->higher_is_better : g_str_has_suffix(name, "_per_s");
	p->target = k ? k->target : 0;
	why_pci = why_missing("vfio-pci", p->pci);
	why_mdev = why_missing("mdev", p->mdev);
	if (why_pci || why_mdev)
		p->missing = g_strjoin("; ", why_pci ? why_pci : why_mdev,
				       why_pci && why_mdev ? why_mdev : NULL, NULL);
	else if (!stats_of(p->pci->series, &p->pci_st) ||
		 !stats_of(p->mdev->series, &p->mdev_st) || p->pci_st.median <= 0)
		p->missing = g_strdup("no usable values");
	if (p->missing)
		return p;
	p->ratio = p->mdev_st.median / p->pci_st.median;
	if (p->target <= 0)
		p->within = TRUE;
	else if (p->higher_is_better)
		p->within = p->ratio >= 1 / p->target;
	else
		p->within = p->ratio <= p->target;
	return p;
}

static GPtrArray *make_pairs(Input *in)
{
	GPtrArray *pairs = g_ptr_array_new_with_free_func((GDestroyNotify)pair_free);
	g_autoptr(GPtrArray) others = g_ptr_array_new();

	for (guint i = 0; i < G_N_ELEMENTS(known_metrics); i++)
		g_ptr_array_add(pairs, pair_new(in, known_metrics[i].name, &known_metrics[i]));
	for (guint i = 0; i < in->entries->len; i++) {
		Entry *e = g_ptr_array_index(in->entries, i);
		gboolean seen = FALSE;

		if (!is_paired_path(e->path) || known_metric(e->name))
			continue;
		for (guint j = 0; j < others->len && !seen; j++)
			seen = g_str_equal(g_ptr_array_index(others, j), e->name);
		if (!seen)
			g_ptr_array_add(others, e->name);
	}
	g_ptr_array_sort(others, compare_names);
	for (guint i = 0; i < others->len; i++)
		g_ptr_array_add(pairs, pair_new(in, g_ptr_array_index(others, i), NULL));
	return pairs;
}

/* The absolute figures (paths other than pci/mdev), sorted by name. */
static gint compare_entries(gconstpointer a, gconstpointer b)
{
	const Entry *x = *(Entry * const *)a, *y = *(Entry * const *)b;
	int c = g_strcmp0(x->path, y->path);

	return c ? c : g_strcmp0(x->name, y->name);
}

static GPtrArray *absolute_entries(Input *in)
{
	GPtrArray *abs = g_ptr_array_new();

	for (guint i = 0; i < in->entries->len; i++) {
		Entry *e = g_ptr_array_index(in->entries, i);

		if (!is_paired_path(e->path))
			g_ptr_array_add(abs, e);
	}
	g_ptr_array_sort(abs, compare_entries);
	return abs;
}

/* Numbers as people read them: 3 significant digits, no locale. */
static char *fmt(double v)
{
	char buf[G_ASCII_DTOSTR_BUF_SIZE];

	if (v >= 1000)
		return g_strdup_printf("%.0f", v);
	return g_strdup(g_ascii_formatd(buf, sizeof(buf), v >= 100 ? "%.1f" : v >= 10 ? "%.2f" : "%.3f", v));
}

static void md_stats(GString *md, const Stats *st)
{
	g_autofree char *med = fmt(st->median);
	g_autofree char *min = fmt(st->min);
	g_autofree char *max = fmt(st->max);

	g_string_append_printf(md, " %s (%s–%s, n=%u) |", med, min, max, st->n);
}

static char *markdown(Input *in, GPtrArray *pairs, GPtrArray *abs)
{
	GString *md = g_string_new("## vfio-mdev-pci benchmarks: mdev path ÷ vfio-pci\n\n");
	JsonObject *env = in->env && JSON_NODE_HOLDS_OBJECT(in->env) ?
		json_node_get_object(in->env) : NULL;

	if (env && json_object_has_member(env, "kernel") && json_object_has_member(env, "device"))
		g_string_append_printf(md, "Kernel %s, edu device %s; the same device on both paths, interleaved rounds.\n\n",
				       json_object_get_string_member(env, "kernel"),
				       json_object_get_string_member(env, "device"));
	g_string_append(md, "| metric | unit | vfio-pci: median (min–max, n) | mdev: median (min–max, n) | mdev ÷ vfio-pci | target | within |\n");
	g_string_append(md, "| --- | --- | --- | --- | --- | --- | --- |\n");
	for (guint i = 0; i < pairs->len; i++) {
		Pair *p = g_ptr_array_index(pairs, i);
		char ratio[G_ASCII_DTOSTR_BUF_SIZE];
		g_autofree char *target = NULL;

		g_string_append_printf(md, "| %s | %s |", p->label, p->unit);
		if (p->missing) {
			g_string_append_printf(md, " missing: %s | | | | |\n", p->missing);
			continue;
		}
		md_stats(md, &p->pci_st);
		md_stats(md, &p->mdev_st);
		if (p->target > 0)
			target = g_strdup_printf(p->higher_is_better ? "≥ %.3f" : "≤ %.2f",
						 p->higher_is_better ? 1 / p->target : p->target);
		g_string_append_printf(md, " %s | %s | %s |\n",
				       g_ascii_formatd(ratio, sizeof(ratio), "%.3f", p->ratio),
				       target ? target : "", p->within ? "yes" : "**no**");
	}
	g_string_append(md, "\nRatios are of the medians of per-round values. For ops/s a ratio below 1 means the mdev path is slower, for times one above 1; the targets bound that slowdown only.\n");
	if (abs->len == 0)
		return g_string_free(md, FALSE);
	g_string_append(md, "\n| absolute figure | path | unit | median (min–max, n) |\n| --- | --- | --- | --- |\n");
	for (guint i = 0; i < abs->len; i++) {
		Entry *e = g_ptr_array_index(abs, i);
		Stats st;

		g_string_append_printf(md, "| %s | %s | %s |", e->name, e->path, e->unit);
		if (stats_of(e->series, &st))
			md_stats(md, &st);
		else
			g_string_append_printf(md, " missing: %s |",
					       e->series->missing ? e->series->missing : "no values");
		g_string_append_c(md, '\n');
	}
	return g_string_free(md, FALSE);
}

static void member_string(JsonBuilder *b, const char *name, const char *value)
{
	json_builder_set_member_name(b, name);
	json_builder_add_string_value(b, value);
}

static void member_double(JsonBuilder *b, const char *name, double value)
{
	json_builder_set_member_name(b, name);
	json_builder_add_double_value(b, value);
}

static void json_stats(JsonBuilder *b, const char *member, const Series *s)
{
	Stats st;

	json_builder_set_member_name(b, member);
	json_builder_begin_object(b);
	if (!stats_of(s, &st)) {
		member_string(b, "missing", s->missing ? s->missing : "no values");
		json_builder_end_object(b);
		return;
	}
	json_builder_set_member_name(b, "n");
	json_builder_add_int_value(b, st.n);
	member_double(b, "median", st.median);
	member_double(b, "min", st.min);
	member_double(b, "max", st.max);
	member_double(b, "q1", st.q1);
	member_double(b, "q3", st.q3);
	json_builder_set_member_name(b, "values");
	json_builder_begin_array(b);
	for (guint i = 0; i < s->values->len; i++)
		json_builder_add_double_value(b, g_array_index(s->values, double, i));
	json_builder_end_array(b);
	json_builder_end_object(b);
}

static char *summary_json(Input *in, GPtrArray *pairs, GPtrArray *abs)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonGenerator) gen = json_generator_new();
	g_autoptr(JsonNode) root = NULL;

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "env");
	if (in->env)
		json_builder_add_value(b, json_node_copy(in->env));
	else
		json_builder_add_null_value(b);
	json_builder_set_member_name(b, "paired");
	json_builder_begin_array(b);
	for (guint i = 0; i < pairs->len; i++) {
		Pair *p = g_ptr_array_index(pairs, i);

		json_builder_begin_object(b);
		member_string(b, "metric", p->name);
		member_string(b, "label", p->label);
		member_string(b, "unit", p->unit);
		member_string(b, "better", p->higher_is_better ? "higher" : "lower");
		if (p->target > 0)
			member_double(b, "target", p->target);
		if (p->pci)
			json_stats(b, "pci", p->pci->series);
		if (p->mdev)
			json_stats(b, "mdev", p->mdev->series);
		if (p->missing) {
			member_string(b, "missing", p->missing);
		} else {
			member_double(b, "ratio", p->ratio);
			json_builder_set_member_name(b, "within_target");
			json_builder_add_boolean_value(b, p->within);
		}
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	json_builder_set_member_name(b, "absolute");
	json_builder_begin_array(b);
	for (guint i = 0; i < abs->len; i++) {
		Entry *e = g_ptr_array_index(abs, i);

		json_builder_begin_object(b);
		member_string(b, "metric", e->name);
		member_string(b, "path", e->path);
		member_string(b, "unit", e->unit);
		json_stats(b, "figures", e->series);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	json_builder_end_object(b);
	root = json_builder_get_root(b);
	json_generator_set_root(gen, root);
	json_generator_set_pretty(gen, TRUE);
	return json_generator_to_data(gen, NULL);
}

/* Per-round values spread sideways a little, so equal ones stay visible. */
static double jitter(guint i)
{
	double f = fmod(i * 0.618034, 1.0);

	return (f - 0.5) * 0.3;
}

static void dat_block(GString *dat, double x, const Series *s)
{
	char v[G_ASCII_DTOSTR_BUF_SIZE], xs[G_ASCII_DTOSTR_BUF_SIZE];

	for (guint i = 0; i < s->values->len; i++)
		g_string_append_printf(dat, "%s %s\n",
				       g_ascii_formatd(xs, sizeof(xs), "%.4f", x + jitter(i)),
				       g_ascii_dtostr(v, sizeof(v), g_array_index(s->values, double, i)));
	g_string_append(dat, "\n\n");
}

/* A gnuplot string literal: single quotes, doubled inside. */
static char *gp_quote(const char *s)
{
	g_auto(GStrv) parts = g_strsplit(s, "'", -1);
	g_autofree char *joined = g_strjoinv("''", parts);

	return g_strdup_printf("'%s'", joined);
}

/* Quartiles and whiskers of both paths, for gnuplot's candlesticks. */
static void dat_stats(GString *dat, const Pair *p)
{
	const Stats *st[] = { &p->pci_st, &p->mdev_st };
	char b[6][G_ASCII_DTOSTR_BUF_SIZE];

	for (guint i = 0; i < G_N_ELEMENTS(st); i++)
		g_string_append_printf(dat, "%s %s %s %s %s %s\n",
				       g_ascii_dtostr(b[0], sizeof(b[0]), i + 1.0),
				       g_ascii_dtostr(b[1], sizeof(b[1]), st[i]->median),
				       g_ascii_dtostr(b[2], sizeof(b[2]), st[i]->q1),
				       g_ascii_dtostr(b[3], sizeof(b[3]), st[i]->q3),
				       g_ascii_dtostr(b[4], sizeof(b[4]), st[i]->min),
				       g_ascii_dtostr(b[5], sizeof(b[5]), st[i]->max));
	g_string_append(dat, "\n\n");
}

/* bench.dat (three gnuplot indexes per metric) and bench.gp. */
static gboolean write_plot(GPtrArray *pairs, const char *outdir, guint *panels,
			   GError **error)
{
	g_autoptr(GString) dat = g_string_new("# for the k-th metric with figures: index 3k: vfio-pci values (x value),\n"
					      "# 3k+1: mdev values, 3k+2: x median q1 q3 min max of both\n");
	g_autoptr(GString) gp = g_string_new(NULL);
	g_autofree char *dat_file = g_build_filename(outdir, "bench.dat", NULL);
	g_autofree char *gp_file = g_build_filename(outdir, "bench.gp", NULL);
	guint k = 0, rows;

	*panels = 0;
	for (guint i = 0; i < pairs->len; i++)
		*panels += ((Pair *)g_ptr_array_index(pairs, i))->missing ? 0 : 1;
	rows = MAX((*panels + 3) / 4, 1);
	g_string_append_printf(gp,
		"# gnuplot script written by bench-report: per-round values of each\n"
		"# metric on both paths; box: quartiles, bar: median, whiskers: min/max.\n"
		"set terminal svg size 1400,%u dynamic font 'sans,11'\n"
		"set output 'bench.svg'\n"
		"set multiplot layout %u,4 title 'vfio-mdev-pci: the same edu device on vfio-pci and as an mdev (per-round values)'\n"
		"set xrange [0.4:2.6]\nset xtics ('vfio-pci' 1, 'mdev' 2)\nset key off\n"
		"set boxwidth 0.5 absolute\nset style fill empty\nset yrange [0:*]\nset grid ytics\n",
		360 * rows, rows);
	for (guint i = 0; i < pairs->len; i++) {
		Pair *p = g_ptr_array_index(pairs, i);
		g_autofree char *unit = NULL;
		char r[G_ASCII_DTOSTR_BUF_SIZE];

		if (p->missing)
			continue;
		dat_block(dat, 1, p->pci->series);
		dat_block(dat, 2, p->mdev->series);
		dat_stats(dat, p);
		unit = gp_quote(p->unit);
		g_string_append_printf(gp,
			"set title \"%s\\nratio %s\" noenhanced\nset ylabel %s noenhanced\n"
			"plot 'bench.dat' index %u using 1:3:5:6:4 with candlesticks whiskerbars lc rgb 'black', "
			"'' index %u using 1:2:2:2:2 with candlesticks lw 2 lc rgb 'black', "
			"'' index %u using 1:2 with points pt 7 ps 0.6 lc rgb '#1f77b4', "
			"'' index %u using 1:2 with points pt 7 ps 0.6 lc rgb '#d62728'\n",
			p->label, g_ascii_formatd(r, sizeof(r), "%.3f", p->ratio), unit,
			3 * k + 2, 3 * k + 2, 3 * k, 3 * k + 1);
		k++;
	}
	g_string_append(gp, "unset multiplot\n");
	return g_file_set_contents(dat_file, dat->str, (gssize)dat->len, error) &&
	       g_file_set_contents(gp_file, gp->str, (gssize)gp->len, error);
}

static gboolean run_gnuplot(const char *gnuplot, const char *outdir, GError **error)
{
	const char *argv[] = { gnuplot, "bench.gp", NULL };
	g_autofree char *err = NULL;
	int status;

	if (!g_spawn_sync(outdir, (char **)argv, NULL, G_SPAWN_SEARCH_PATH |
			  G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err,
			  &status, error)) {
		g_prefix_error(error, "Cannot run '%s': ", gnuplot);
		return FALSE;
	}
	if (!g_spawn_check_wait_status(status, error)) {
		g_prefix_error(error, "'%s bench.gp' failed (%s): ", gnuplot,
			       g_strstrip(err));
		return FALSE;
	}
	return TRUE;
}

static gboolean report(const char *indir, const char *outdir, const char *gnuplot,
		       GString *out, GError **error)
{
	g_autoptr(Input) in = load_input(indir, error);
	g_autoptr(GPtrArray) pairs = NULL;
	g_autoptr(GPtrArray) abs = NULL;
	g_autofree char *md = NULL;
	g_autofree char *json = NULL;
	g_autofree char *md_file = g_build_filename(outdir, "bench.md", NULL);
	g_autofree char *json_file = g_build_filename(outdir, "bench.json", NULL);
	guint panels;

	if (!in)
		return FALSE;
	if (g_mkdir_with_parents(outdir, 0755) < 0) {
		g_set_error(error, REPORT_ERROR, REPORT_ERROR_FAILED,
			    "Cannot create '%s': %s.", outdir, g_strerror(errno));
		return FALSE;
	}
	pairs = make_pairs(in);
	abs = absolute_entries(in);
	md = markdown(in, pairs, abs);
	json = summary_json(in, pairs, abs);
	if (!g_file_set_contents(md_file, md, -1, error) ||
	    !g_file_set_contents(json_file, json, -1, error))
		return FALSE;
	g_string_append(out, md);
	if (!gnuplot)
		return TRUE;
	if (!write_plot(pairs, outdir, &panels, error))
		return FALSE;
	if (panels == 0) {
		g_set_error_literal(error, REPORT_ERROR, REPORT_ERROR_INVALID,
				    "No paired metric has figures on both paths: nothing to plot.");
		return FALSE;
	}
	return run_gnuplot(gnuplot, outdir, error);
}

int main(int argc, char **argv)
{
	g_autofree char *gnuplot = NULL;
	gboolean no_plot = FALSE;
	const GOptionEntry entries[] = {
		{ "gnuplot", 0, 0, G_OPTION_ARG_FILENAME, &gnuplot,
		  "gnuplot to run (default: gnuplot from PATH)", "PROGRAM" },
		{ "no-plot", 0, 0, G_OPTION_ARG_NONE, &no_plot,
		  "Write no bench.dat, bench.gp, bench.svg", NULL },
		{ NULL }
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new("INPUT-DIR OUTPUT-DIR");
	g_autoptr(GString) out = g_string_new(NULL);
	g_autoptr(GError) error = NULL;

	setlocale(LC_ALL, "");
	g_option_context_set_summary(ctx, "Medians, spreads and mdev ÷ vfio-pci ratios of the bench scenario's figures,\nas bench.json, bench.md and bench.svg in OUTPUT-DIR; bench.md also on stdout.");
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
		fprintf(stderr, "bench-report: error: %s\n", error->message);
		return 64;
	}
	if (argc != 3) {
		fprintf(stderr, "bench-report: error: Expected INPUT-DIR and OUTPUT-DIR.\n");
		return 64;
	}
	if (!gnuplot && !no_plot)
		gnuplot = g_strdup("gnuplot");
	if (!report(argv[1], argv[2], no_plot ? NULL : gnuplot, out, &error)) {
		fprintf(stderr, "bench-report: error: %s\n", error->message);
		return 1;
	}
	fwrite(out->str, 1, out->len, stdout);
	return fflush(stdout) == 0 ? 0 : 1;
}
