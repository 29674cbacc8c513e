/* SPDX-License-Identifier: GPL-2.0-only */
#pragma once

#include <glib.h>
#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>

/*
 * libxml2 with GLib cleanups (as libvirt does), and the few operations the
 * tool needs: parse without network or entity expansion, serialize one
 * element, validate against one of our RelaxNG schemas.
 */
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlDoc, xmlFreeDoc)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlParserCtxt, xmlFreeParserCtxt)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlXPathContext, xmlXPathFreeContext)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlXPathObject, xmlXPathFreeObject)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlRelaxNG, xmlRelaxNGFree)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlRelaxNGParserCtxt, xmlRelaxNGFreeParserCtxt)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlRelaxNGValidCtxt, xmlRelaxNGFreeValidCtxt)

/* @what names the document in error messages. */
xmlDoc *vmp_xml_parse(const char *data, gsize len, const char *what,
		      GError **error);
/* A new element; @parent may be NULL for a document's root. */
xmlNode *vmp_xml_add(xmlDoc *doc, xmlNode *parent, const char *name,
		     const char *text);
void vmp_xml_set(xmlNode *node, const char *attr, const char *value);
/* Append @doc, indented, without the XML declaration. */
void vmp_xml_append(GString *out, xmlDoc *doc);
/* Attribute values selected by @xpath (an expression ending in /@attr). */
GPtrArray *vmp_xml_strings(xmlDoc *doc, const char *xpath, GError **error);

/* The installed schema directory (the tests' one in tests: seams.h). */
const char *vmp_schema_dir(void);
/* Validate @doc against the schema for its root element. */
gboolean vmp_xml_validate(xmlDoc *doc, const char *what, GError **error);
