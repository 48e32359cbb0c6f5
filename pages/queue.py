import streamlit as st

st.title("queue")
