/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fswalk: the file arguments of lsattr, showattr and lsxid.
 *
 * Each FILE is shown itself, unless it is a directory and FSW_DIRS is not
 * given: then its entries are shown (dot files only with FSW_ALL; with
 * FSW_UTIL the directory first, see there), and
 * with FSW_RECURSE the entries of its subdirectories too, below a
 * "\nPATH:" header line as lsattr(1) prints them.  FSW_XDEV stays on the
 * filesystem of the argument.  Symlinks are never followed.  Without
 * FILE arguments the current directory is listed.
 *
 * fsw_apply() serves the tools that change files (setattr, chxid): each
 * FILE itself, and with FSW_RECURSE everything below it.
 */
#ifndef VSLAB_FSWALK_H
#define VSLAB_FSWALK_H

#define FSW_RECURSE	1
#define FSW_ALL		2
#define FSW_DIRS	4
#define FSW_XDEV	8
/*
 * util-vserver's order (showattr, lsxid): a directory argument is shown
 * itself first, then its entries; with FSW_RECURSE its subdirectories
 * are not shown among the entries but walked afterwards, each shown
 * itself and then its entries, with no header lines.
 */
#define FSW_UTIL	16

/* Called once per file shown; returns 0, or -1 after printing an error. */
typedef int (*fsw_show_fn)(const char *path);

/*
 * Walk the arguments (argc/argv after the options).  Returns 0 if every
 * call succeeded, else 1.
 */
int fsw_walk(int argc, char **argv, int opts, fsw_show_fn show);

/*
 * Call @fn for each of the @argc paths and, with FSW_RECURSE, for
 * everything below those that are directories (depth first, symlinks not
 * followed, FSW_XDEV: not across filesystems).  @tool names the caller
 * in errors.  Returns 0 if every call succeeded, else 1.
 */
int fsw_apply(int argc, char **argv, int opts, fsw_show_fn fn,
	      const char *tool);

/*
 * Parse the single-letter options "-Radx", "-R -a", ... (getopt through
 * vc_walk_opts) of argv[*i] and following
 * arguments into *opts, given the letters allowed ("Radx").  Returns 0,
 * or -1 on an unknown letter.  Stops at the first non-option or "--".
 */
int fsw_options(int argc, char **argv, int *i, const char *allowed, int *opts);

#endif /* VSLAB_FSWALK_H */
