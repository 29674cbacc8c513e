// SPDX-License-Identifier: GPL-2.0-only
#include <libxml/xmlsave.h>

#include "error.h"
#include "seams.h"
#include "xml.h"

/* libxml2 2.12 made the structured error handler's argument const. */
#if LIBXML_VERSION >= 21200
#define VMP_XML_ERROR const xmlError
#else
#define VMP_XML_ERROR xmlError
#endif

static void collect_error(void *data, VMP_XML_ERROR *err)
{
	GString *msgs = data;
	g_autofree char *msg = g_strdup(err->message ? err->message : "unknown error");

	g_string_append_printf(msgs, "%sline %d: %s", msgs->len ? "; " : "",
			       err->line, g_strchomp(msg));
}

xmlDoc *vmp_xml_parse(const char *data, gsize len, const char *what,
		      GError **error)
{
	g_autoptr(xmlParserCtxt) ctxt = xmlNewParserCtxt();
	const xmlError *err;
	xmlDoc *doc;

	if (!ctxt || len > G_MAXINT) {
		g_set_error(error, VMP_ERROR, VMP_ERROR_FAILED,
			    "Could not parse %s.", what);
		return NULL;
	}
	/*
	 * No DTD at all: entity declarations cost quadratic time and memory
	 * even unexpanded ("billion laughs"), and libvirt never writes one.
	 * Refused before parsing, so that such a document costs nothing;
	 * the check after parsing catches any spelling the scan misses.
	 */
	if (g_strstr_len(data, len, "<!DOCTYPE") || g_strstr_len(data, len, "<!ENTITY")) {
		g_set_error(error, VMP_ERROR, VMP_ERROR_INVALID,
			    "%s has a document type declaration (<!DOCTYPE>); refused.",
			    what);
		return NULL;
	}
	/* No network, no entity expansion, no DTD loading: input is untrusted. */
	doc = xmlCtxtReadMemory(ctxt, data, (int)len, NULL, NULL,
				XML_PARSE_NONET | XML_PARSE_NOERROR |
				XML_PARSE_NOWARNING);
	if (doc && doc->intSubset) {
		xmlFreeDoc(doc);
		g_set_error(error, VMP_ERROR, VMP_ERROR_INVALID,
			    "%s has a document type declaration (<!DOCTYPE>); refused.",
			    what);
		return NULL;
	}
	if (doc && xmlDocGetRootElement(doc))
		return doc;
	xmlFreeDoc(doc);
	err = xmlCtxtGetLastError(ctxt);
	if (err && err->message) {
		g_autofree char *msg = g_strchomp(g_strdup(err->message));

		g_set_error(error, VMP_ERROR, VMP_ERROR_INVALID,
			    "%s is not well-formed XML: line %d: %s", what,
			    err->line, msg);
	} else {
		g_set_error(error, VMP_ERROR, VMP_ERROR_INVALID,
			    "%s is not well-formed XML.", what);
	}
	return NULL;
}

xmlNode *vmp_xml_add(xmlDoc *doc, xmlNode *parent, const char *name,
		     const char *text)
{
	xmlNode *node = xmlNewDocNode(doc, NULL, BAD_CAST name, NULL);

	/* xmlNodeAddContent escapes; never paste text into markup. */
	if (text)
		xmlNodeAddContent(node, BAD_CAST text);
	if (parent)
		xmlAddChild(parent, node);
	else
		xmlDocSetRootElement(doc, node);
	return node;
}

void vmp_xml_set(xmlNode *node, const char *attr, const char *value)
{
	xmlSetProp(node, BAD_CAST attr, BAD_CAST value);
}

static int write_gstring(void *ctx, const char *buf, int len)
{
	g_string_append_len(ctx, buf, len);
	return len;
}

void vmp_xml_append(GString *out, xmlDoc *doc)
{
	xmlSaveCtxt *save = xmlSaveToIO(write_gstring, NULL, out, "UTF-8",
					XML_SAVE_FORMAT | XML_SAVE_NO_DECL);

	xmlSaveDoc(save, doc);
	xmlSaveClose(save);
}

GPtrArray *vmp_xml_strings(xmlDoc *doc, const char *xpath, GError **error)
{
	g_autoptr(xmlXPathContext) ctxt = xmlXPathNewContext(doc);
	g_autoptr(xmlXPathObject) obj = NULL;
	GPtrArray *values = g_ptr_array_new_with_free_func(g_free);

	obj = ctxt ? xmlXPathEvalExpression(BAD_CAST xpath, ctxt) : NULL;
	if (!obj) {
		g_set_error(error, VMP_ERROR, VMP_ERROR_FAILED,
			    "Could not evaluate XPath '%s'.", xpath);
		g_ptr_array_unref(values);
		return NULL;
	}
	for (int i = 0; obj->nodesetval && i < obj->nodesetval->nodeNr; i++) {
		xmlChar *s = xmlNodeGetContent(obj->nodesetval->nodeTab[i]);

		g_ptr_array_add(values, g_strdup((const char *)s));
		xmlFree(s);
	}
	return values;
}

const char *vmp_schema_dir(void)
{
	const char *dir = vmp_seam(VMP_SEAM_SCHEMADIR);

	return dir ? dir : VMP_SCHEMADIR;
}

static xmlRelaxNG *load_schema(const char *path, GError **error)
{
	g_autoptr(xmlRelaxNGParserCtxt) pctxt = xmlRelaxNGNewParserCtxt(path);
	g_autoptr(GString) msgs = g_string_new(NULL);
	xmlRelaxNG *schema;

	xmlRelaxNGSetParserStructuredErrors(pctxt, collect_error, msgs);
	schema = xmlRelaxNGParse(pctxt);
	if (!schema)
		g_set_error(error, VMP_ERROR, VMP_ERROR_NOT_FOUND,
			    "Could not load schema %s: %s", path,
			    msgs->len ? msgs->str : "unknown error");
	return schema;
}

gboolean vmp_xml_validate(xmlDoc *doc, const char *what, GError **error)
{
	/* Root element -> schema file. */
	static const char * const schemas[][2] = {
		{ "hostdev", "hostdev.rng" },
		{ "device", "nodedev.rng" },
	};
	const char *root = (const char *)xmlDocGetRootElement(doc)->name;
	g_autoptr(xmlRelaxNGValidCtxt) vctxt = NULL;
	g_autoptr(GString) msgs = g_string_new(NULL);
	g_autoptr(xmlRelaxNG) schema = NULL;
	g_autofree char *path = NULL;

	for (guint i = 0; i < G_N_ELEMENTS(schemas) && !path; i++) {
		if (g_str_equal(root, schemas[i][0]))
			path = g_build_filename(vmp_schema_dir(), schemas[i][1], NULL);
	}
	if (!path) {
		g_set_error(error, VMP_ERROR, VMP_ERROR_INVALID,
			    "%s: no schema for root element <%s> (known: <hostdev>, <device>).",
			    what, root);
		return FALSE;
	}
	schema = load_schema(path, error);
	if (!schema)
		return FALSE;
	vctxt = xmlRelaxNGNewValidCtxt(schema);
	xmlRelaxNGSetValidStructuredErrors(vctxt, collect_error, msgs);
	if (xmlRelaxNGValidateDoc(vctxt, doc) == 0)
		return TRUE;
	g_set_error(error, VMP_ERROR, VMP_ERROR_INVALID,
		    "%s does not validate against %s: %s", what, path,
		    msgs->len ? msgs->str : "unknown error");
	return FALSE;
}
