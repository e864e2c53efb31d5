/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The applets of the vstool multi-call binary (the list is applets.def).
 * Each behaves like a program of its own: it gets argc/argv with argv[0]
 * its own name and returns the exit status.
 */
#ifndef VSLAB_APPLETS_H
#define VSLAB_APPLETS_H

#define APPLET(name, fn) int fn(int argc, char **argv);
#include "applets.def"
#undef APPLET

#endif /* VSLAB_APPLETS_H */
