import config from "@switchboard/eslint-config/base";

export default config;
