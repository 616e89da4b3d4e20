/** Private test substrate: loopback wire server with fault injection, and a scripted model */
export {}
