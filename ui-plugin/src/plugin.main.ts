// Entry of the plugin bundle; @vcd/plugin-builders rewrites it to re-export the module in modulePath.
export * from './main/cse-plugin.module';
